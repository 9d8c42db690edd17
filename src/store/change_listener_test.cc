#include "store/change_listener.h"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "store/change_notice.h"
#include "testing/test_db.h"

namespace recsys::store {
namespace {

using namespace std::chrono_literals;

TEST(ChangeListenerTest, DeliversNotifiesAndReloadsAllAfterReconnecting) {
  auto db = testing::TestDatabase::Create("listener");
  std::mutex mu;
  std::vector<std::string> payloads;
  auto received = [&](const std::string& needle) {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& p : payloads) {
      if (p.find(needle) != std::string::npos) return true;
    }
    return false;
  };
  WalPosition last_after = 0;
  ChangeListener listener(db->url(), [&](const std::string& p, WalPosition after) {
    std::lock_guard<std::mutex> lock(mu);
    payloads.push_back(p);
    last_after = after;
  });
  listener.Start();
  PgConnection conn = db->Connect();
  auto listening = [&] {
    auto r = conn.Query("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'");
    return r.ok() && r.value().Get(0, 0) == "1";
  };
  ASSERT_TRUE(testing::WaitFor(listening, 5s));
  ASSERT_TRUE(conn.Exec("BEGIN").ok());
  ASSERT_TRUE(SendChangeNotice(conn, {"t1", ChangeScope::kControl}).ok());
  ASSERT_TRUE(conn.Exec("CREATE TABLE written_in_the_notice_transaction (x int)").ok());
  ASSERT_TRUE(conn.Exec("COMMIT").ok());
  EXPECT_TRUE(testing::WaitFor([&] { return received("t1"); }, 5s));
  EXPECT_FALSE(received("\"all\""));
  {
    // The notice's own position was read before the transaction's later writes and its COMMIT;
    // the position reported beside it is past both.
    std::lock_guard<std::mutex> lock(mu);
    auto notice = ParseChangeNotice(payloads.back());
    ASSERT_TRUE(notice);
    EXPECT_GT(notice->lsn, 0u);
    EXPECT_GT(last_after, notice->lsn);
  }

  // Lose the connection: after reconnecting it asks for a full reload.
  ASSERT_TRUE(conn.Query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND pid <> pg_backend_pid() AND "
                         "(query LIKE 'LISTEN%' OR query LIKE '%wal_insert_lsn%')")
                  .ok());
  EXPECT_TRUE(testing::WaitFor([&] { return received("\"all\""); }, 10s));
}

}  // namespace
}  // namespace recsys::store
