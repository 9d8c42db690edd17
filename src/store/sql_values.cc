#include "store/sql_values.h"

namespace recsys::store {

PgParam OrNull(const std::string& value) { return value.empty() ? PgParam() : PgParam(value); }

std::string UtcTimestampSql(std::string_view column) {
  return "to_char((" + std::string(column) +
         ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
}

}  // namespace recsys::store
