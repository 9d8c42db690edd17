// Time helpers for the ranking core: RFC 3339 parsing and day arithmetic, all in UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace recsys {

// Microseconds since the Unix epoch.
using TimestampUs = int64_t;

inline constexpr TimestampUs kMicrosPerDay = 86400LL * 1000000;

// Parses an RFC 3339 timestamp ("2026-11-26T10:00:00Z", "...T10:00:00.5+01:00"). A bare date is
// not accepted. Returns nullopt when `text` is not one.
std::optional<TimestampUs> ParseRfc3339(std::string_view text);

// Days since 1970-01-01 for a "YYYY-MM-DD" date; nullopt when malformed.
std::optional<int32_t> ParseDate(std::string_view text);

// "YYYY-MM-DD" for `day` (days since 1970-01-01): ParseDate's inverse.
std::string FormatDate(int32_t day);

// The UTC day (days since epoch) that `t` falls on.
int32_t DayOf(TimestampUs t);

// Formats `t` as RFC 3339 UTC with microseconds ("2026-11-26T10:00:00.000000Z").
std::string FormatRfc3339(TimestampUs t);

// The current time from the system clock.
TimestampUs NowUs();

}  // namespace recsys
