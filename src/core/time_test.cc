#include "core/time.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <random>

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

TEST(TimeTest, FormatDateIsParseDatesInverse) {
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(*ParseDate("2024-02-29") + 1), "2024-03-01");
  EXPECT_EQ(FormatDate(*ParseDate("2026-12-31") + 1), "2027-01-01");
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

TEST(TimeTest, FormatRfc3339AgreesWithGmtimeFromYearZeroToTenThousand) {
  std::mt19937_64 random(3);
  // Seconds from 0000-01-01 to 9999-12-31, and a few beyond where the year widens.
  std::uniform_int_distribution<int64_t> seconds(-62167219200LL, 253402300799LL);
  for (int round = 0; round < 20000; ++round) {
    const int64_t s = seconds(random);
    const int64_t micros = static_cast<int64_t>(random() % 1000000);
    const std::time_t when = static_cast<std::time_t>(s);
    std::tm utc;
    ASSERT_NE(gmtime_r(&when, &utc), nullptr);
    char expected[64];
    std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ",
                  utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                  utc.tm_sec, static_cast<long long>(micros));
    ASSERT_EQ(FormatRfc3339(s * 1000000 + micros), expected);
  }
  EXPECT_EQ(FormatRfc3339(253402300800LL * 1000000), "10000-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999999Z");
}

}  // namespace
}  // namespace recsys
