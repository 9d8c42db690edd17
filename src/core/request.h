// The validated, normalized /v1/recommend and /v1/similar requests (api.md part A).
//
// ParseRecommendRequest / ParseSimilarRequest read a JSON body and fill every default. Errors:
// kInvalidArgument for unparsable JSON or a wrong type, kUnprocessable for valid JSON that breaks
// a rule; the message starts with the field path. Limits that depend on the tenant (limits.max_k,
// limits.max_exclude_ids) are checked against the TenantConfig passed in. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/tenant_config.h"
#include "core/time.h"

namespace recsys {

enum class ExplainLevel { kNone, kSummary, kFull };

struct Warning {
  std::string code;  // DEFAULT_APPLIED, SIGNAL_UNAVAILABLE, FALLBACK_NAMESPACE, ...
  std::string detail;
};

struct WeightOverrides {
  std::optional<double> pop, cooc, emb, hist, seq;
};

struct RecommendRequest {
  std::string surface;
  std::string segment = "default";
  int k = 20;
  std::string user_id, anonymous_id, session_id;
  std::optional<TimestampUs> now;
  std::string locale, device, country;
  std::vector<std::string> anchor_ids;
  int max_anchors = 50;
  bool has_include = false;
  std::vector<std::string> include_ids;
  std::vector<std::string> exclude_ids;
  std::vector<std::string> required_tags;                // normalized
  std::vector<std::string> forbidden_tags;               // normalized
  std::vector<std::pair<std::string, int>> max_per_tag;  // normalized tag -> cap
  WeightOverrides weights;
  ExplainLevel explain = ExplainLevel::kNone;
  bool include_reasons = false;
  bool include_trace = false;
  std::optional<int64_t> seed;
  std::optional<bool> exclude_seen;  // options.exclude_seen; absent: the config decides
  std::string experiment_id, experiment_variant;
  // /v1/similar only: the item to find neighbours of.
  std::string item_id;

  std::vector<Warning> warnings;  // defaults applied while parsing
};

Result<RecommendRequest> ParseRecommendRequest(std::string_view body, const TenantConfig& config);
Result<RecommendRequest> ParseSimilarRequest(std::string_view body, const TenantConfig& config);

// The user identifier used for hashing and experiments: user_id, else anonymous_id, else
// session_id.
std::string_view PrimaryUserKey(const RecommendRequest& request);

}  // namespace recsys
