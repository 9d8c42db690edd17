#include "store/sql_values.h"

#include <gtest/gtest.h>

#include "core/time.h"
#include "testing/test_db.h"

namespace recsys::store {
namespace {

TEST(SqlValuesTest, EmptyTextIsNullOtherTextItself) {
  EXPECT_EQ(OrNull(""), std::nullopt);
  EXPECT_EQ(OrNull("x"), "x");
}

TEST(SqlValuesTest, TimestampsAreFormattedInUtcWithMicrosecondsLikeFormatRfc3339) {
  auto db = testing::TestDatabase::Create("sql_values", /*migrate=*/false);
  PgConnection conn = db->Connect();
  const std::string instant = "2026-11-26T23:59:59.123456+01:00";
  EXPECT_EQ(testing::QueryOne(conn, "SELECT " + UtcTimestampSql("$1::timestamptz"), {instant}),
            "2026-11-26T22:59:59.123456Z");
  EXPECT_EQ(testing::QueryOne(conn, "SELECT " + UtcTimestampSql("$1::timestamptz"),
                              {"2026-01-02T03:04:05Z"}),
            FormatRfc3339(*ParseRfc3339("2026-01-02T03:04:05Z")));
  EXPECT_EQ(testing::QueryOne(
                conn, "SELECT coalesce(" + UtcTimestampSql("NULL::timestamptz") + ", 'null')"),
            "null");
}

}  // namespace
}  // namespace recsys::store
