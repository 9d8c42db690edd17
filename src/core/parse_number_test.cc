#include "core/parse_number.h"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <random>
#include <string>

namespace recsys {
namespace {

TEST(ParseNumberTest, IntegersTakeTheWholeTextOrNothing) {
  EXPECT_EQ(ParseInt64("42"), 42);
  EXPECT_EQ(ParseInt64("-7"), -7);
  EXPECT_EQ(ParseInt64("9223372036854775807"), INT64_MAX);
  for (const char* bad :
       {"", " 1", "1 ", "+1", "1.0", "1e3", "abc", "12abc", "0x10", "9223372036854775808"}) {
    EXPECT_EQ(ParseInt64(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(ParseInt64In("200", 1, 200), 200);
  EXPECT_EQ(ParseInt64In("201", 1, 200), std::nullopt);
  EXPECT_EQ(ParseInt64In("0", 1, 200), std::nullopt);
}

TEST(ParseNumberTest, DoublesAreFinite) {
  EXPECT_EQ(ParseFiniteDouble("1.5"), 1.5);
  EXPECT_EQ(ParseFiniteDouble("-2e3"), -2000.0);
  for (const char* bad : {"", "nan", "inf", "1e999", "1.5x", " 1", "--1"}) {
    EXPECT_EQ(ParseFiniteDouble(bad), std::nullopt) << bad;
  }
}

TEST(ParseNumberTest, PlainDecimalsParseExactlyAsFromChars) {
  // Plain decimals take a fast path; each must equal from_chars' correctly rounded value to the
  // bit, at every length and position of the point, and odd forms must fall through unchanged.
  std::mt19937_64 random(9);
  for (int round = 0; round < 200000; ++round) {
    std::string text = random() % 4 == 0 ? "-" : "";
    const int digits = 1 + static_cast<int>(random() % 18);
    const int point = static_cast<int>(random() % (digits + 1));
    for (int d = 0; d < digits; ++d) {
      if (d == point && d > 0) text += '.';
      text += static_cast<char>('0' + random() % 10);
    }
    double expected = 0;
    std::from_chars(text.data(), text.data() + text.size(), expected);
    const std::optional<double> parsed = ParseFiniteDouble(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    ASSERT_EQ(std::bit_cast<uint64_t>(*parsed), std::bit_cast<uint64_t>(expected)) << text;
  }
  EXPECT_EQ(ParseFiniteDouble("1260000.000000"), 1260000.0);
  EXPECT_TRUE(std::signbit(*ParseFiniteDouble("-0.0")));
  EXPECT_EQ(ParseFiniteDouble("5."), 5.0);  // from_chars reads these; so do we
  EXPECT_EQ(ParseFiniteDouble(".5"), 0.5);
  for (const char* bad : {"-", ".", "1.2.3", "-.", "1-2"}) {
    EXPECT_EQ(ParseFiniteDouble(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace recsys
