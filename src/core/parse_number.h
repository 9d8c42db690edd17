// Numbers from text: the whole text must be the number (no spaces, no trailing characters), no
// exceptions, no locale. The one set of readers for query parameters, environment variables,
// database text and import fields. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace recsys {

// A decimal integer, optionally negative ("-12"); nullopt when the text is anything else or does
// not fit in 64 bits.
std::optional<int64_t> ParseInt64(std::string_view text);
// ParseInt64, also nullopt outside [lo, hi].
std::optional<int64_t> ParseInt64In(std::string_view text, int64_t lo, int64_t hi);
// A finite decimal number ("1.5", "-2e3"); nullopt for anything else, NaN and infinities included.
std::optional<double> ParseFiniteDouble(std::string_view text);

}  // namespace recsys
