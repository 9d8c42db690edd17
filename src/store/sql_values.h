// How values cross into and out of SQL text, the same in every store adapter.
//
// OrNull sends an empty string as SQL NULL (optional text columns: comment, request_id, ip, ...).
// UtcTimestampSql is the one timestamp format of everything recsys prints or returns (the HTTP
// API, the CLI's listings): RFC 3339 in UTC with microseconds, "2026-11-26T10:00:00.123456Z",
// the same as core/time.h FormatRfc3339, so that a timestamp read back (an audit cursor, a
// version's created_at) names the stored instant exactly. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "store/pg.h"

namespace recsys::store {

// NULL for "", else `value`.
PgParam OrNull(const std::string& value);

// The SQL expression that formats the timestamptz expression `column` as above; NULL for NULL.
// REQUIRES: `column` is trusted SQL text (a column name or expression), never input.
std::string UtcTimestampSql(std::string_view column);

}  // namespace recsys::store
