// A suite whose SetUpTestSuite fails. CTest runs it expecting failure (WILL_FAIL): if a set-up
// failure were reported as "skipped" instead, the run would not count it as failed, and `./test`
// rejects any skipped test.
#include <gtest/gtest.h>

namespace {

class SetUpFailsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { FAIL() << "seeding the database failed (on purpose)"; }
};

TEST_F(SetUpFailsTest, NeverRunsItsBody) { SUCCEED(); }

}  // namespace
