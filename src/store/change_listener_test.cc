#include "store/change_listener.h"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

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
  ChangeListener listener(db->url(), [&](const std::string& p) {
    std::lock_guard<std::mutex> lock(mu);
    payloads.push_back(p);
  });
  listener.Start();
  PgConnection conn = db->Connect();
  auto listening = [&] {
    auto r = conn.Query("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'");
    return r.ok() && r.value().Get(0, 0) == "1";
  };
  ASSERT_TRUE(testing::WaitFor(listening, 5s));
  ASSERT_TRUE(conn.Exec(R"(NOTIFY recsys_changes, '{"tenant": "t1", "scope": "control"}')").ok());
  EXPECT_TRUE(testing::WaitFor([&] { return received("t1"); }, 5s));
  EXPECT_FALSE(received("\"all\""));

  // Lose the connection: after reconnecting it asks for a full reload.
  ASSERT_TRUE(conn.Query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE query LIKE 'LISTEN%'")
                  .ok());
  EXPECT_TRUE(testing::WaitFor([&] { return received("\"all\""); }, 10s));
}

}  // namespace
}  // namespace recsys::store
