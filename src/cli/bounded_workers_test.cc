#include "cli/bounded_workers.h"

#include <gtest/gtest.h>

#include <atomic>

namespace recsys::cli {
namespace {

TEST(BoundedWorkersTest, RunsEveryTaskBeforeFinishReturns) {
  BoundedWorkers workers(2, 2);
  std::atomic<int> done{0};
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(workers
                    .Submit([&done] {
                      ++done;
                      return Status::Ok();
                    })
                    .ok());
  }
  EXPECT_TRUE(workers.Finish().ok());
  EXPECT_EQ(done.load(), 100);
}

TEST(BoundedWorkersTest, TheFirstErrorStopsFurtherWork) {
  BoundedWorkers workers(1, 1);
  std::atomic<int> ran{0};
  Status submitted = Status::Ok();
  for (int i = 0; i < 50 && submitted.ok(); ++i) {
    submitted = workers.Submit([&ran, i] {
      ++ran;
      return i == 3 ? Status::Unavailable("database down") : Status::Ok();
    });
  }
  EXPECT_EQ(workers.Finish().code(), StatusCode::kUnavailable);
  EXPECT_LT(ran.load(), 50);
}

}  // namespace
}  // namespace recsys::cli
