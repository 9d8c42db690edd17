// Business rules (ranking.md "Rules"): parsing, validation and per-request selection.
//
// ParseRules validates a rules document (a JSON array) and returns kInvalidArgument naming the
// rule index and field, e.g. "rules[2].boost_value: required for boost". A rule without an id is
// called "rule-<index>" here, so that serving stays deterministic; the admin API stores a UUID.
// Tags, brands and categories are normalized (trimmed, lower-cased) so that matching is a plain
// string compare against the snapshot's normalized tags.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace recsys {

enum class RuleAction { kPin, kBlock, kBoost };
enum class RuleTarget { kItem, kTag, kBrand, kCategory };

struct Rule {
  std::string id;
  RuleAction action = RuleAction::kBoost;
  RuleTarget target = RuleTarget::kItem;
  std::vector<std::string> item_ids;  // kItem
  std::string tag;                    // other targets: the full normalized tag ("brand:nike")
  double boost_value = 0;
  int max_pins = 0;  // 0 = only the global ranking.max_pins limit
  std::string surface;
  std::string segment;
  int priority = 0;
  bool enabled = true;
  std::optional<TimestampUs> valid_from;
  std::optional<TimestampUs> valid_until;
  int index = 0;  // position in the document, the tie-breaker for equal priorities
};

Result<std::vector<Rule>> ParseRules(std::string_view json);

// The rules that apply to a request: enabled, surface/segment empty or equal, now within
// [valid_from, valid_until); ordered by priority descending, then document order.
std::vector<const Rule*> ApplicableRules(const std::vector<Rule>& rules, std::string_view surface,
                                         std::string_view segment, TimestampUs now);

// `json` (a rules document that ParseRules accepts) with a fresh UUID `id` added to every rule
// that has none, as the admin API stores it.
std::string WithRuleIds(std::string_view json);

// Whether `id` is a valid item, user or rule id: 1..256 printable characters (api.md) of valid
// UTF-8.
bool IsValidId(std::string_view id);

// Trims ASCII whitespace and lower-cases ASCII letters.
std::string NormalizeTag(std::string_view tag);

}  // namespace recsys
