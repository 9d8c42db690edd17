// A hash that lets unordered_map<std::string, V, StringHash, std::equal_to<>> be probed with a
// std::string_view, without building a std::string per lookup.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

namespace recsys {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace recsys
