// Test helper: prefix + n (built by appending: GCC 12 at -O3 warns falsely on "literal" +
// std::string, and release builds of the tests must stay warning-free).
#pragma once

#include <string>

namespace recsys::testing {

inline std::string Numbered(const char* prefix, long n) {
  std::string text(prefix);
  text += std::to_string(n);
  return text;
}

}  // namespace recsys::testing
