// `signals build` as a person runs it while `serve`'s schedule may hold the builder lock.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "testing/test_db.h"

namespace recsys {
namespace {

using testing::QueryOne;

class SignalsCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("signals_command");
    ASSERT_NE(db_, nullptr);
  }

  int Cli(const std::string& args, std::string* out) {
    return testing::RunRecsys(db_->url(), args, out);
  }

  std::unique_ptr<testing::TestDatabase> db_;
};

TEST_F(SignalsCommandTest, WaitsForTheBuilderHoldingTheLockUnlessToldNotTo) {
  auto holder = db_->Connect();
  ASSERT_EQ(QueryOne(holder, "SELECT pg_try_advisory_lock(x'7265637362756c64'::bigint)"), "t");
  std::string out;
  EXPECT_EQ(Cli("signals build --no-wait", &out), 1);
  EXPECT_NE(out.find("another signal builder is running"), std::string::npos) << out;

  std::atomic<bool> finished{false};
  int code = -1;
  std::string waited;
  std::thread build([&] {
    code = Cli("signals build", &waited);
    finished = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_FALSE(finished);  // still waiting for the lock
  QueryOne(holder, "SELECT pg_advisory_unlock(x'7265637362756c64'::bigint)");
  build.join();
  EXPECT_EQ(code, 0) << waited;
  EXPECT_NE(waited.find("waiting for it"), std::string::npos) << waited;
  EXPECT_NE(waited.find("built 0 day(s)"), std::string::npos) << waited;
}

}  // namespace
}  // namespace recsys
