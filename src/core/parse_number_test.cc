#include "core/parse_number.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace recsys
