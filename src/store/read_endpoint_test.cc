// store/read_endpoint.h against real servers (testing/replicated_cluster.h): which URL reads get
// while the standby is caught up, behind a required position, down and back.
#include "store/read_endpoint.h"

#include <gtest/gtest.h>

#include <chrono>

#include "testing/replicated_cluster.h"
#include "testing/test_db.h"

namespace recsys::store {
namespace {

using namespace std::chrono_literals;

TEST(ReadEndpointTest, WithoutAStandbyEveryReadGoesToThePrimary) {
  ReadEndpoint reads({"postgresql://x@127.0.0.1:1/p", "", 100ms});
  EXPECT_FALSE(reads.has_standby());
  reads.Probe();  // nothing to probe
  reads.Require(1000);
  EXPECT_EQ(reads.UrlForRead(), "postgresql://x@127.0.0.1:1/p");
  EXPECT_EQ(reads.UrlForConsistentRead(), "postgresql://x@127.0.0.1:1/p");
  EXPECT_FALSE(reads.ReportUnreachable("postgresql://x@127.0.0.1:1/p", Status::Unavailable("x")));
}

TEST(ReadEndpointTest, FollowsTheStandbysReplayAndHealth) {
  testing::ReplicatedCluster cluster;
  ASSERT_TRUE(cluster.ok());
  ReadEndpoint reads({cluster.PrimaryUrl(), cluster.StandbyUrl(), 300ms});
  reads.Probe();
  ASSERT_TRUE(reads.stats().standby_up);
  EXPECT_EQ(reads.UrlForConsistentRead(), cluster.StandbyUrl());

  // A position the standby has not replayed: after the wait, the primary; a floor never drops.
  cluster.PauseReplay();
  auto primary = PgConnection::Connect(cluster.PrimaryUrl());
  ASSERT_TRUE(primary.ok());
  ASSERT_TRUE(primary.value().Exec("CREATE TABLE written_while_paused (x int)").ok());
  const WalPosition written = *ParseWalPosition(
      testing::QueryOne(primary.value(), "SELECT pg_current_wal_insert_lsn()::text"));
  reads.Require(InsertPositionAsRecordEnd(written));
  reads.Require(1);
  EXPECT_EQ(reads.required(), InsertPositionAsRecordEnd(written));
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(reads.UrlForConsistentRead(), cluster.PrimaryUrl());
  EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);
  EXPECT_EQ(reads.stats().behind_reads, 1u);
  // Lag-tolerant reads stay on the standby meanwhile.
  EXPECT_EQ(reads.UrlForRead(), cluster.StandbyUrl());
  reads.Probe();
  EXPECT_GT(reads.stats().lag_bytes, 0);
  cluster.ResumeReplay();
  ASSERT_TRUE(cluster.WaitCaughtUp());
  EXPECT_EQ(reads.UrlForConsistentRead(), cluster.StandbyUrl());

  // Down: every read on the primary, counted once; back when a probe reaches it.
  cluster.StopStandby();
  reads.Probe();
  EXPECT_FALSE(reads.stats().standby_up);
  EXPECT_EQ(reads.stats().fallbacks, 1u);
  EXPECT_EQ(reads.UrlForRead(), cluster.PrimaryUrl());
  EXPECT_EQ(reads.UrlForConsistentRead(), cluster.PrimaryUrl());
  reads.Probe();
  EXPECT_EQ(reads.stats().fallbacks, 1u);
  cluster.StartStandby();
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        reads.Probe();
        return reads.stats().standby_up;
      },
      10s));
  EXPECT_EQ(reads.UrlForRead(), cluster.StandbyUrl());

  // A read that could not reach the standby marks it down at once; other errors do not.
  EXPECT_FALSE(reads.ReportUnreachable(cluster.StandbyUrl(), Status::Internal("syntax error")));
  EXPECT_FALSE(reads.ReportUnreachable(cluster.PrimaryUrl(), Status::Unavailable("gone")));
  EXPECT_TRUE(reads.stats().standby_up);
  EXPECT_TRUE(reads.ReportUnreachable(cluster.StandbyUrl(), Status::Unavailable("gone")));
  EXPECT_FALSE(reads.stats().standby_up);
  EXPECT_EQ(reads.stats().fallbacks, 2u);
}

}  // namespace
}  // namespace recsys::store
