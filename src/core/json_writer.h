// Small helpers for writing JSON with RapidJSON writers (which take strings as pointer + length).
#pragma once

#include <rapidjson/rapidjson.h>

#include <string_view>

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

}  // namespace recsys::json
