// Test-only: the fixture most end-to-end suites share, a migrated database with the demo tenant
// seeded (store/demo_seed.h) and one `recsys-service serve` on it (testing/serve_process.h).
// Any set-up error is a gtest failure; from SetUpTestSuite it is recorded on the suite, which then
// FAILS (gtest skips its bodies and CTest's NO_SKIP rule counts the skip as a failure).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "testing/serve_process.h"
#include "testing/test_db.h"

namespace recsys::testing {

// Base of a suite whose tests share one seeded database (db_) and, usually, one serve (serve_).
// The derived suite's SetUpTestSuite calls StartSuite or SeedSuite; TearDownTestSuite stops serve
// and drops the database. Not thread-safe: gtest sets up one suite at a time, and the statics
// belong to whichever suite is running.
class ServedDemoSuite : public ::testing::Test {
 public:
  static void TearDownTestSuite();

 protected:
  // db_ := SeededDemoDatabase(suite); then runs `prepare` (when given) unless seeding failed.
  static void SeedSuite(std::string_view suite, const std::function<void()>& prepare = {});
  // SeedSuite, then serve_ := serve on db_ with `env` (ServeProcess's overrides); serve is not
  // started after a fatal failure in seeding or `prepare`.
  static void StartSuite(std::string_view suite, std::map<std::string, std::string> env = {},
                         const std::function<void()>& prepare = {});

  static inline std::unique_ptr<TestDatabase> db_;
  static inline std::unique_ptr<ServeProcess> serve_;
};

}  // namespace recsys::testing
