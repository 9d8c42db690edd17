#include "core/parse_number.h"

#include <charconv>
#include <cmath>

namespace recsys {

std::optional<int64_t> ParseInt64(std::string_view text) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseInt64In(std::string_view text, int64_t lo, int64_t hi) {
  const std::optional<int64_t> value = ParseInt64(text);
  if (!value || *value < lo || *value > hi) return std::nullopt;
  return value;
}

namespace {

// Clinger's fast path for plain decimals ("1260000.000000", "-0.25"): with at most 15 digits the
// digits are an exactly representable integer, and so is 10^decimals, so one division rounds the
// quotient correctly, exactly as from_chars would. The snapshot load parses 20M of them.
// nullopt for any other form (exponents, more digits), which from_chars then reads.
std::optional<double> ParsePlainDecimal(std::string_view text) {
  static constexpr double kPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                            1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  int64_t digits = 0;
  int count = 0, decimals = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      if (++count > 15) return std::nullopt;
      digits = digits * 10 + (c - '0');
      decimals += point ? 1 : 0;
    } else if (c == '.' && !point && count > 0) {
      point = true;
    } else {
      return std::nullopt;
    }
  }
  if (count == 0 || (point && decimals == 0)) return std::nullopt;
  const double value = static_cast<double>(digits) / kPowersOfTen[decimals];
  return negative ? -value : value;
}

}  // namespace

std::optional<double> ParseFiniteDouble(std::string_view text) {
  if (auto plain = ParsePlainDecimal(text)) return plain;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace recsys
