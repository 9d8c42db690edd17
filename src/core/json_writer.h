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

}  // namespace recsys::json
