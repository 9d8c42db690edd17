// The history tail reading a hot standby that is behind the primary, replay paused, and a switch
// between the two (testing/replicated_cluster.h: real servers): no event skipped, none doubled.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "store/history_tailer.h"
#include "store/pg.h"
#include "testing/replicated_cluster.h"
#include "testing/test_db.h"

namespace recsys::store {
namespace {

using namespace std::chrono_literals;

// One event row for `tenant` (user_key = hex `user`), in whatever transaction `conn` is in.
void InsertEvent(PgConnection& conn, const std::string& tenant, const std::string& item) {
  ASSERT_TRUE(conn.Query("INSERT INTO interaction_events (tenant_id, occurred_at, user_key, "
                         "event_type, item_id) VALUES ($1::uuid, now(), '\\xab'::bytea, "
                         "'purchase', $2)",
                         {tenant, item})
                  .ok());
}

TEST(HistoryTailerReplicaTest, ABehindOrPausedStandbySkipsNoEventAndDoublesNone) {
  testing::ReplicatedCluster cluster;
  ASSERT_TRUE(cluster.ok());
  std::string out;
  ASSERT_EQ(
      testing::RunShell(
          "DATABASE_URL='" + cluster.PrimaryUrl() + "' " + RECSYS_BINARY + " migrate up", &out),
      0)
      << out;
  auto primary = PgConnection::Connect(cluster.PrimaryUrl());
  ASSERT_TRUE(primary.ok());
  const std::string tenant = testing::QueryOne(
      primary.value(), "INSERT INTO tenants (external_id, name) VALUES ('t', 'T') RETURNING id");
  ASSERT_TRUE(cluster.WaitCaughtUp());
  auto standby = PgConnection::Connect(cluster.StandbyUrl());
  ASSERT_TRUE(standby.ok());

  service::StateHolder state;
  service::HistoryIndex index(16 << 20);
  HistoryTailer tailer(cluster.StandbyUrl(), index, state, 100ms, 30);
  ASSERT_TRUE(tailer.Step(standby.value()).ok());  // warm-up: nothing yet
  ASSERT_EQ(tailer.events_applied(), 0u);

  cluster.PauseReplay();
  // An event whose id is taken but not committed (a batch in flight), then one after it.
  auto held = PgConnection::Connect(cluster.PrimaryUrl());
  ASSERT_TRUE(held.ok());
  ASSERT_TRUE(held.value().Exec("BEGIN").ok());
  InsertEvent(held.value(), tenant, "in-flight");
  InsertEvent(primary.value(), tenant, "committed");

  // The primary (a read that fell back) has the later one; the missing id is remembered.
  ASSERT_TRUE(tailer.Step(primary.value()).ok());
  EXPECT_EQ(tailer.events_applied(), 1u);
  // Back on the paused standby: neither event again.
  ASSERT_TRUE(tailer.Step(standby.value()).ok());
  EXPECT_EQ(tailer.events_applied(), 1u);
  ASSERT_TRUE(held.value().Exec("COMMIT").ok());
  // More than the 10 s a missing id is waited for pass on this machine's clock, but not on the
  // paused standby's: the id is still asked for.
  const auto until = std::chrono::steady_clock::now() + 11s;
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_TRUE(tailer.Step(standby.value()).ok());
    std::this_thread::sleep_for(500ms);
  }
  EXPECT_EQ(tailer.events_applied(), 1u);

  cluster.ResumeReplay();
  ASSERT_TRUE(cluster.WaitCaughtUp());
  ASSERT_TRUE(tailer.Step(standby.value()).ok());
  EXPECT_EQ(tailer.events_applied(), 2u);  // the held event, once
  ASSERT_TRUE(tailer.Step(standby.value()).ok());
  ASSERT_TRUE(tailer.Step(primary.value()).ok());
  EXPECT_EQ(tailer.events_applied(), 2u);
}

}  // namespace
}  // namespace recsys::store
