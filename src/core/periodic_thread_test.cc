#include "core/periodic_thread.h"

#include <gtest/gtest.h>

#include <atomic>

namespace recsys {
namespace {

using std::chrono::milliseconds;

TEST(PeriodicThreadTest, RunsRepeatedlyWithTheReturnedWait) {
  std::atomic<int> runs{0};
  PeriodicThread thread;
  thread.Start(milliseconds(1), [&](bool) {
    ++runs;
    return milliseconds(1);
  });
  while (runs < 5) std::this_thread::yield();
  thread.Stop();
  const int after_stop = runs;
  std::this_thread::sleep_for(milliseconds(20));
  EXPECT_EQ(runs, after_stop);
}

TEST(PeriodicThreadTest, WakeCutsALongWaitShortAndSaysSo) {
  std::atomic<int> woken_runs{0};
  PeriodicThread thread;
  thread.Start(std::chrono::hours(1), [&](bool woken) {
    if (woken) ++woken_runs;
    return std::chrono::duration_cast<milliseconds>(std::chrono::hours(1));
  });
  thread.Wake();
  for (int i = 0; i < 1000 && woken_runs == 0; ++i) std::this_thread::sleep_for(milliseconds(1));
  EXPECT_EQ(woken_runs, 1);
  // Stop returns promptly although the next wait is an hour.
  const auto started = std::chrono::steady_clock::now();
  thread.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

}  // namespace
}  // namespace recsys
