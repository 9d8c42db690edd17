// printf-style formatting into a std::string, checked by the compiler like printf. Thread-safe.
#pragma once

#include <string>

namespace recsys {

std::string StrFormat(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace recsys
