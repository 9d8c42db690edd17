#include "store/replica_status.h"

#include <gtest/gtest.h>

namespace recsys::store {
namespace {

TEST(ReplicaStatusTest, JudgesLagPauseAndAServerThatIsNoStandby) {
  ReplicaStatus s;
  s.in_recovery = true;
  s.lag_bytes = 100;
  EXPECT_EQ(JudgeReplica(s, 1000).level, "ok");
  EXPECT_NE(JudgeReplica(s, 1000).detail.find("100 bytes"), std::string::npos);
  s.lag_bytes = 5000;
  EXPECT_EQ(JudgeReplica(s, 1000).level, "warn");
  s.lag_bytes = 0;
  s.replay_paused = true;
  EXPECT_EQ(JudgeReplica(s, 1000).level, "warn");
  EXPECT_NE(JudgeReplica(s, 1000).detail.find("paused"), std::string::npos);
  s.in_recovery = false;
  EXPECT_EQ(JudgeReplica(s, 1000).level, "fail");
}

}  // namespace
}  // namespace recsys::store
