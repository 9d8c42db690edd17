#include "core/event.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <unordered_set>

#include "core/json_fields.h"
#include "core/rules.h"
#include "core/strict_json.h"
#include "core/utf8.h"
#include "core/uuid.h"

namespace recsys {
namespace {

using json::Member;
using json::Value;

constexpr const char* kTypeNames[kEventTypeCount] = {"impression", "view", "click", "add_to_cart",
                                                     "purchase"};
constexpr size_t kMaxEventIdLength = 128;
constexpr size_t kMaxNamespaceLength = 64;
constexpr int kMaxMetaDepth = 16;
// numeric(18,6) holds magnitudes below 10^12.
constexpr double kMaxValue = 1e12;

Rejection Reject(std::string code, const std::string& field, const std::string& why) {
  return {0, std::move(code), field + ": " + why};
}

// Reads an optional string member that must be an id (1..max printable UTF-8 characters).
// Returns false (and fills *rejection) when present and invalid.
bool ReadId(const Value& obj, const char* key, const char* code, size_t max_length,
            std::string* out, Rejection* rejection) {
  const Value* v = Member(obj, key);
  if (v == nullptr) return true;
  std::string_view text;
  if (v->IsString()) text = {v->GetString(), v->GetStringLength()};
  if (!v->IsString() || text.size() > max_length || !IsValidId(text)) {
    *rejection =
        Reject(code, key,
               "must be a string of 1.." + std::to_string(max_length) + " printable characters");
    return false;
  }
  out->assign(text);
  return true;
}

// Whether every string (keys included) inside `v` is UTF-8 without NUL, within a depth limit:
// what PostgreSQL's jsonb accepts.
bool IsStorableJson(const Value& v, int depth) {
  if (depth > kMaxMetaDepth) return false;
  auto clean = [](const Value& s) {
    std::string_view text(s.GetString(), s.GetStringLength());
    return text.find('\0') == std::string_view::npos && IsValidUtf8(text);
  };
  if (v.IsString()) return clean(v);
  if (v.IsArray()) {
    for (const Value& item : v.GetArray()) {
      if (!IsStorableJson(item, depth + 1)) return false;
    }
  }
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      if (!clean(it->name) || !IsStorableJson(it->value, depth + 1)) return false;
    }
  }
  return true;
}

// occurred_at, event_type and item_id: the required fields.
bool ReadRequired(const Value& v, TimestampUs now, Event* e, Rejection* rejection) {
  const Value* at = Member(v, "occurred_at");
  std::optional<TimestampUs> when;
  if (at != nullptr && at->IsString())
    when = ParseRfc3339({at->GetString(), at->GetStringLength()});
  if (!when) {
    *rejection =
        Reject("INVALID_OCCURRED_AT", "occurred_at", "required: an RFC 3339 timestamp with a zone");
    return false;
  }
  if (*when > now + kMaxClockSkewUs) {
    *rejection = Reject("OCCURRED_AT_IN_FUTURE", "occurred_at",
                        "more than 5 minutes ahead of the server clock");
    return false;
  }
  e->occurred_at = std::min(*when, now);

  const Value* type = Member(v, "event_type");
  std::optional<EventType> parsed;
  if (type != nullptr && type->IsString()) {
    parsed = ParseEventType({type->GetString(), type->GetStringLength()});
  }
  if (!parsed) {
    *rejection = Reject("INVALID_EVENT_TYPE", "event_type",
                        "required: impression, view, click, add_to_cart or purchase");
    return false;
  }
  e->type = *parsed;

  if (Member(v, "item_id") == nullptr) {
    *rejection = Reject("INVALID_ITEM_ID", "item_id", "required");
    return false;
  }
  return ReadId(v, "item_id", "INVALID_ITEM_ID", 256, &e->item_id, rejection);
}

bool ReadOptional(const Value& v, Event* e, Rejection* rejection) {
  const Value* request_id = Member(v, "request_id");
  if (request_id != nullptr) {
    if (!request_id->IsString() ||
        !IsUuid({request_id->GetString(), request_id->GetStringLength()})) {
      *rejection = Reject("INVALID_REQUEST_ID", "request_id", "must be a UUID");
      return false;
    }
    e->request_id.assign(request_id->GetString(), request_id->GetStringLength());
  }
  if (!ReadId(v, "surface", "INVALID_SURFACE", kMaxNamespaceLength, &e->surface, rejection) ||
      !ReadId(v, "segment", "INVALID_SEGMENT", kMaxNamespaceLength, &e->segment, rejection)) {
    return false;
  }
  if (const Value* position = Member(v, "position")) {
    if (!position->IsInt64() || position->GetInt64() < 1 || position->GetInt64() > 1000000) {
      *rejection = Reject("INVALID_POSITION", "position", "must be an integer from 1 to 1000000");
      return false;
    }
    e->position = static_cast<int>(position->GetInt64());
  }
  if (const Value* value = Member(v, "value")) {
    if (!value->IsNumber() || !std::isfinite(value->GetDouble()) ||
        std::fabs(value->GetDouble()) >= kMaxValue) {
      *rejection = Reject("INVALID_VALUE", "value", "must be a finite number below 1e12");
      return false;
    }
    e->value = value->GetDouble();
  }
  if (const Value* meta = Member(v, "meta")) {
    if (!meta->IsObject() || !IsStorableJson(*meta, 0)) {
      *rejection = Reject("INVALID_META", "meta",
                          "must be an object of UTF-8 strings without NUL, nested at most 16 deep");
      return false;
    }
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    meta->Accept(writer);
    if (buffer.GetSize() > kMaxEventMetaBytes) {
      *rejection = Reject("INVALID_META", "meta", "at most 4096 bytes of JSON");
      return false;
    }
    e->meta_json.assign(buffer.GetString(), buffer.GetSize());
  }
  return true;
}

}  // namespace

const char* EventTypeName(EventType type) { return kTypeNames[static_cast<int>(type)]; }

std::optional<EventType> ParseEventType(std::string_view name) {
  for (int t = 0; t < kEventTypeCount; ++t) {
    if (name == kTypeNames[t]) return static_cast<EventType>(t);
  }
  return std::nullopt;
}

std::variant<Event, Rejection> ParseEvent(const Value& v, TimestampUs now) {
  if (!v.IsObject()) return Reject("INVALID_EVENT", "event", "must be a JSON object");
  Event e;
  Rejection rejection;
  if (!ReadId(v, "event_id", "INVALID_EVENT_ID", kMaxEventIdLength, &e.event_id, &rejection) ||
      !ReadId(v, "user_id", "INVALID_USER_ID", 256, &e.user_id, &rejection) ||
      !ReadId(v, "anonymous_id", "INVALID_ANONYMOUS_ID", 256, &e.anonymous_id, &rejection) ||
      !ReadId(v, "session_id", "INVALID_SESSION_ID", 256, &e.session_id, &rejection)) {
    return rejection;
  }
  if (e.user_id.empty() && e.anonymous_id.empty() && e.session_id.empty()) {
    return Reject("MISSING_USER", "user_id",
                  "one of user_id, anonymous_id or session_id is required");
  }
  if (!ReadRequired(v, now, &e, &rejection) || !ReadOptional(v, &e, &rejection)) return rejection;
  return e;
}

Result<EventBatch> ParseEventBatch(std::string_view body, TimestampUs now) {
  rapidjson::Document doc;
  auto events_or = ParseBatchBody(body, "events", kMaxEventsPerBatch, &doc);
  if (!events_or.ok()) return events_or.status();
  const Value* events = events_or.value();
  EventBatch batch;
  batch.events.reserve(events->Size());
  std::unordered_set<std::string> seen_ids;
  for (rapidjson::SizeType i = 0; i < events->Size(); ++i) {
    auto parsed = ParseEvent((*events)[i], now);
    if (auto* rejection = std::get_if<Rejection>(&parsed)) {
      batch.rejected.push_back(AtIndex(std::move(*rejection), "events", static_cast<int>(i)));
      continue;
    }
    Event& event = std::get<Event>(parsed);
    if (!event.event_id.empty() && !seen_ids.insert(event.event_id).second) {
      ++batch.duplicates;
      continue;
    }
    batch.events.push_back(std::move(event));
  }
  return batch;
}

}  // namespace recsys
