#include "core/time.h"

#include <gtest/gtest.h>

namespace recsys {
namespace {

TEST(TimeTest, ParsesRfc3339WithZoneAndFraction) {
  EXPECT_EQ(ParseRfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseRfc3339("1970-01-01T00:00:01.5Z"), 1500000);
  EXPECT_EQ(ParseRfc3339("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(ParseRfc3339("2026-11-26T10:00:00Z"), ParseRfc3339("2026-11-26T11:30:00+01:30"));
}

TEST(TimeTest, RejectsMalformedTimestamps) {
  for (const char* bad :
       {"", "2026-11-26", "2026-11-26T10:00:00", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
        "2026-11-26T25:00:00Z", "2026-11-26T10:00:00Zx", "2026-11-26T10:00:00.Z", "yesterday"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

TEST(TimeTest, DaysAndFormatting) {
  EXPECT_EQ(ParseDate("1970-01-02"), 1);
  EXPECT_EQ(ParseDate("2024-02-29").has_value(), true);
  EXPECT_FALSE(ParseDate("2023-02-29").has_value());
  const TimestampUs t = *ParseRfc3339("2026-11-26T23:59:59.123456Z");
  EXPECT_EQ(DayOf(t), *ParseDate("2026-11-26"));
  EXPECT_EQ(FormatRfc3339(t), "2026-11-26T23:59:59.123456Z");
  EXPECT_EQ(DayOf(-1), -1);
}

}  // namespace
}  // namespace recsys
