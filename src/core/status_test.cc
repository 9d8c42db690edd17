#include "core/status.h"

#include <gtest/gtest.h>

#include <memory>

namespace recsys {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(StatusTest, ErrorCarriesCodeAndMessage) {
  Status s = Status::FailedPrecondition("schema is behind");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.ToString(), "failed_precondition: schema is behind");
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> good = 42;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good.value(), 42);
  EXPECT_TRUE(good.status().ok());

  Result<int> bad = Status::NotFound("no such tenant");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
}

TEST(ResultTest, MovesOutMoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

TEST(ResultDeathTest, ValueOfAnErrorAbortsInsteadOfThrowing) {
  Result<int> bad = Status::NotFound("no such tenant");
  EXPECT_DEATH((void)bad.value(), "Result::value\\(\\) on an error: not_found: no such tenant");
  EXPECT_DEATH((void)std::move(bad).value(), "no such tenant");
}

}  // namespace
}  // namespace recsys
