#include "core/rebuy_prior.h"

#include <gtest/gtest.h>

#include <cmath>

namespace recsys {
namespace {

TEST(RebuyPriorTest, ATenantWithoutReturnsTellsNoItemApart) {
  EXPECT_EQ(RebuyPrior({10, 0}, {1000, 0}), 1);
  EXPECT_EQ(RebuyPrior({}, {}), 1);
}

TEST(RebuyPriorTest, AnItemAtTheTenantsRateOrUnseenIsNeutral) {
  EXPECT_DOUBLE_EQ(RebuyPrior({100, 25}, {1000, 250}), 1);
  EXPECT_DOUBLE_EQ(RebuyPrior({0, 0}, {1000, 250}), 1);  // all pseudo-occasions
}

TEST(RebuyPriorTest, ItemsComeBackToMoreOftenRankHigherWithShrinkage) {
  const ReturnCounts tenant{1000, 250};  // r = 0.25
  // (15 + 1.25) / (20 + 5) = 0.65: sqrt(0.65 / 0.25).
  EXPECT_NEAR(RebuyPrior({20, 15}, tenant), std::sqrt(2.6), 1e-12);
  // The same rate seen on two occasions is shrunk harder towards 1.
  EXPECT_LT(RebuyPrior({4, 3}, tenant), RebuyPrior({20, 15}, tenant));
  EXPECT_GT(RebuyPrior({4, 3}, tenant), 1);
}

// Items bought once by everyone (never a return) sink to the floor; the bounds hold both ways.
TEST(RebuyPriorTest, BoundedToAThirdAndThree) {
  EXPECT_DOUBLE_EQ(RebuyPrior({100000, 0}, {200000, 1000}), 1.0 / 3);
  EXPECT_DOUBLE_EQ(RebuyPrior({100000, 99999}, {200000, 1000}), 3);
}

}  // namespace
}  // namespace recsys
