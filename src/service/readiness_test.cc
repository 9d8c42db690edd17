#include "service/readiness.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace recsys::service {
namespace {

using std::chrono::milliseconds;

TEST(ReadinessMonitorTest, NotReadyBeforeStart) {
  ReadinessMonitor monitor({}, milliseconds(10));
  EXPECT_FALSE(monitor.Current().ready);
}

TEST(ReadinessMonitorTest, ReportsFirstFailingProbeAndRecovers) {
  std::atomic<bool> db_up{false};
  ReadinessMonitor monitor(
      {{"database",
        [&] { return db_up ? Status::Ok() : Status::Unavailable("connection refused"); }},
       {"schema", [] { return Status::Ok(); }}},
      milliseconds(5));
  monitor.Start();
  auto verdict = monitor.Current();
  EXPECT_FALSE(verdict.ready);
  EXPECT_EQ(verdict.failed_probe, "database");
  EXPECT_EQ(verdict.reason, "connection refused");

  db_up = true;
  for (int i = 0; i < 400 && !monitor.Current().ready; ++i)
    std::this_thread::sleep_for(milliseconds(5));
  EXPECT_TRUE(monitor.Current().ready);
}

TEST(ReadinessMonitorTest, TurnsReadySoonAfterItsLastPartNotAnIntervalLater) {
  std::atomic<bool> warmed{false};
  ReadinessMonitor monitor(
      {{"history", [&] { return warmed ? Status::Ok() : Status::Unavailable("warming"); }}},
      std::chrono::hours(1));
  monitor.Start();
  ASSERT_FALSE(monitor.Current().ready);
  warmed = true;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!monitor.Current().ready && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_TRUE(monitor.Current().ready);  // with the hour-long interval alone it would take an hour
}

}  // namespace
}  // namespace recsys::service
