#include "testing/served_demo_suite.h"

#include <utility>

namespace recsys::testing {

void ServedDemoSuite::SeedSuite(std::string_view suite, const std::function<void()>& prepare) {
  // A suite left over from a failed tear-down must not hand its state to the next one.
  ASSERT_TRUE(db_ == nullptr) << "a previous suite's database is still set";
  db_ = SeededDemoDatabase(suite);
  ASSERT_TRUE(db_ != nullptr) << "no demo database for " << suite;
  if (prepare) prepare();
}

void ServedDemoSuite::StartSuite(std::string_view suite, std::map<std::string, std::string> env,
                                 const std::function<void()>& prepare) {
  SeedSuite(suite, prepare);
  if (HasFatalFailure()) return;
  serve_ = std::make_unique<ServeProcess>(db_->url(), std::move(env));
}

void ServedDemoSuite::TearDownTestSuite() {
  serve_.reset();
  db_.reset();
}

}  // namespace recsys::testing
