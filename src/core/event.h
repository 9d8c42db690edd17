// A user interaction as POST /v1/events and `import events` take it (api.md part B), and its
// validation: the one implementation the HTTP route and the importer share.
//
// ParseEvent validates one JSON object and returns the Event or a rejection whose `code` names the
// field (INVALID_OCCURRED_AT, MISSING_USER, ...) and whose `detail` starts with the field path.
// ParseEventBatch reads a whole {"events": [...]} body: a bad event never fails its neighbours, and
// a repeated event_id inside the batch counts as a duplicate. Pure; thread-safe.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/rejection.h"
#include "core/status.h"
#include "core/time.h"

namespace recsys {

// The interaction_type enum, in the order of its event weights' defaults.
enum class EventType : uint8_t { kImpression, kView, kClick, kAddToCart, kPurchase };
inline constexpr int kEventTypeCount = 5;

// "impression", "view", "click", "add_to_cart", "purchase".
const char* EventTypeName(EventType type);
std::optional<EventType> ParseEventType(std::string_view name);

inline constexpr size_t kMaxEventsPerBatch = 1000;
inline constexpr size_t kMaxEventMetaBytes = 4096;
// An occurred_at up to this far ahead of the server clock is clamped to now (clock skew).
inline constexpr TimestampUs kMaxClockSkewUs = 5 * 60 * 1000000LL;

struct Event {
  std::string event_id;  // empty: none (taken as new)
  TimestampUs occurred_at = 0;
  std::string user_id, anonymous_id, session_id;
  EventType type = EventType::kView;
  std::string item_id;
  std::string request_id;           // empty or a UUID
  std::string surface = "default";  // the signal namespace
  std::string segment;              // empty: none
  std::optional<int> position;      // >= 1
  std::optional<double> value;      // finite
  std::string meta_json;            // a compact JSON object, or empty
};

// Validates one event. `now` is the server clock (future timestamps are clamped or rejected).
// On failure the rejection's index is left 0 for the caller to fill in.
std::variant<Event, Rejection> ParseEvent(const rapidjson::Value& value, TimestampUs now);

struct EventBatch {
  std::vector<Event> events;  // valid events, first occurrence of each event_id
  std::vector<Rejection> rejected;
  int duplicates = 0;  // repeated event_ids inside the batch
};

// Parses {"events": [...]}. Errors: kInvalidArgument when the body is not a JSON object with an
// `events` array of 1.. events; kResourceExhausted when it holds more than kMaxEventsPerBatch.
Result<EventBatch> ParseEventBatch(std::string_view body, TimestampUs now);

}  // namespace recsys
