// Small helpers for writing JSON with RapidJSON writers (which take strings as pointer + length).
#pragma once

#include <rapidjson/rapidjson.h>

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <utility>

namespace recsys::json {

// Writes `text` as a JSON string value (or key, after Key()) with writer `w`.
template <typename Writer>
void WriteString(Writer& w, std::string_view text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// Writes `items` (strings) as a JSON array.
template <typename Writer, typename Strings>
void WriteStringArray(Writer& w, const Strings& items) {
  w.StartArray();
  for (const auto& item : items) WriteString(w, item);
  w.EndArray();
}

// Writes member `key` as the array [low, high] (an interval).
template <typename Writer>
void WriteRange(Writer& w, const char* key, double low, double high) {
  w.Key(key);
  w.StartArray();
  w.Double(low);
  w.Double(high);
  w.EndArray();
}

// Writes each (key, text) pair as a string member of the object being written; with
// `omit_empty`, an empty text leaves its member out (optional fields are omitted, never null).
template <typename Writer>
void WriteStringMembers(Writer& w,
                        std::initializer_list<std::pair<const char*, std::string_view>> members,
                        bool omit_empty = false) {
  for (const auto& [key, value] : members) {
    if (omit_empty && value.empty()) continue;
    w.Key(key);
    WriteString(w, value);
  }
}

// Writes each (key, value) pair as a member of the object being written.
template <typename Writer>
void WriteInt64Members(Writer& w, std::initializer_list<std::pair<const char*, int64_t>> members) {
  for (const auto& [key, value] : members) {
    w.Key(key);
    w.Int64(value);
  }
}
template <typename Writer>
void WriteDoubleMembers(Writer& w, std::initializer_list<std::pair<const char*, double>> members) {
  for (const auto& [key, value] : members) {
    w.Key(key);
    w.Double(value);
  }
}

}  // namespace recsys::json
