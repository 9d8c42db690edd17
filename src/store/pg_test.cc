#include "store/pg.h"

#include <gtest/gtest.h>

#include "testing/test_db.h"

namespace recsys::store {
namespace {

TEST(PgConnectionTest, ServerOptionsApplyToTheSession) {
  auto db = testing::TestDatabase::Create("pg_options", /*migrate=*/false);
  auto conn = PgConnection::Connect(db->url(), 2, "-c statement_timeout=1234");
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  EXPECT_EQ(testing::QueryOne(conn.value(), "SHOW statement_timeout"), "1234ms");
  auto slow = conn.value().Query("SELECT pg_sleep(3)");
  ASSERT_FALSE(slow.ok());
  EXPECT_NE(slow.status().message().find("statement timeout"), std::string::npos);
}

TEST(PgConnectionTest, ReconnectsAfterReset) {
  auto db = testing::TestDatabase::Create("pg_reconnect", /*migrate=*/false);
  ReconnectingConnection conn(db->url(), 2);
  auto first = conn.Get();
  ASSERT_TRUE(first.ok());
  const std::string pid = testing::QueryOne(*first.value(), "SELECT pg_backend_pid()");
  conn.Reset();
  auto second = conn.Get();
  ASSERT_TRUE(second.ok());
  EXPECT_NE(testing::QueryOne(*second.value(), "SELECT pg_backend_pid()"), pid);
  EXPECT_FALSE(ReconnectingConnection("postgresql://x@127.0.0.1:1/none", 1).Get().ok());
}

}  // namespace
}  // namespace recsys::store
