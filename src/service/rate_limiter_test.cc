#include "service/rate_limiter.h"

#include <gtest/gtest.h>

namespace recsys::service {
namespace {

constexpr TimestampUs kSecond = 1000000;

TEST(RateLimiterTest, AllowsABurstThenTheRate) {
  RateLimiter limiter;
  TimestampUs t = 100 * kSecond;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limiter.Take("a", 2, 5, t), 0) << i;
  EXPECT_GE(limiter.Take("a", 2, 5, t), 1);
  t += kSecond / 2;  // one token back at 2/s
  EXPECT_EQ(limiter.Take("a", 2, 5, t), 0);
  EXPECT_GE(limiter.Take("a", 2, 5, t), 1);
}

TEST(RateLimiterTest, TakesSeveralTokensAllOrNone) {
  RateLimiter limiter;
  EXPECT_EQ(limiter.Take("a", 100, 1000, 0, 1000), 0);           // a full batch empties the bucket
  EXPECT_EQ(limiter.Take("a", 100, 1000, 0, 500), 5);            // 500 events at 100/s: 5 s
  EXPECT_EQ(limiter.Take("a", 100, 1000, 4 * kSecond, 500), 1);  // 400 back; nothing taken
  EXPECT_EQ(limiter.Take("a", 100, 1000, 5 * kSecond, 500), 0);
  EXPECT_EQ(limiter.Take("a", 100, 1000, 5 * kSecond, 1), 1);
}

TEST(RateLimiterTest, TenantsHaveTheirOwnBuckets) {
  RateLimiter limiter;
  EXPECT_EQ(limiter.Take("a", 1, 1, 0), 0);
  EXPECT_EQ(limiter.Take("a", 1, 1, 0), 1);
  EXPECT_EQ(limiter.Take("b", 1, 1, 0), 0);
}

TEST(RateLimiterTest, RetryAfterReflectsASlowRate) {
  RateLimiter limiter;
  EXPECT_EQ(limiter.Take("slow", 0.1, 1, 0), 0);
  EXPECT_EQ(limiter.Take("slow", 0.1, 1, 0), 10);
}

}  // namespace
}  // namespace recsys::service
