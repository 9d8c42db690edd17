#include "core/exploration.h"

#include <gtest/gtest.h>

#include <set>

namespace recsys {
namespace {

std::vector<RankedItem> Ranked(int n) {
  std::vector<RankedItem> out;
  for (int i = 0; i < n; ++i) {
    RankedItem r;
    r.item = static_cast<ItemIndex>(i);
    out.push_back(r);
  }
  return out;
}

TEST(ExplorationTest, NoEpsilonKeepsTheRankingAndCutsIt) {
  auto ranked = Ranked(8);
  const std::vector<float> p = Explore(ranked, 5, 0, 1);
  ASSERT_EQ(ranked.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(ranked[i].item, static_cast<ItemIndex>(i));
  EXPECT_EQ(p, std::vector<float>(5, 1.0f));
}

TEST(ExplorationTest, PropensitiesAreTheDrawsProbabilitiesAndEveryItemReachesEverySlot) {
  constexpr double kEpsilon = 0.2;
  int drawn = 0, slots = 0;
  std::set<ItemIndex> at_first_slot;
  for (uint64_t seed = 0; seed < 5000; ++seed) {
    auto ranked = Ranked(15);  // k = 5, a pool of 10 below the cut
    const std::vector<float> p = Explore(ranked, 5, kEpsilon, seed);
    ASSERT_EQ(ranked.size(), 5u);
    std::set<ItemIndex> seen;
    for (size_t slot = 0; slot < ranked.size(); ++slot, ++slots) {
      EXPECT_TRUE(seen.insert(ranked[slot].item).second);
      const double available = 15.0 - static_cast<double>(slot);
      const bool explored = (ranked[slot].reasons & kReasonExploration) != 0;
      EXPECT_FLOAT_EQ(p[slot],
                      static_cast<float>((explored ? 0 : 1 - kEpsilon) + kEpsilon / available));
      drawn += explored;
    }
    at_first_slot.insert(ranked[0].item);
  }
  // A slot draws another item with probability epsilon * (n - 1) / n.
  EXPECT_NEAR(static_cast<double>(drawn) / slots, kEpsilon * 12.0 / 13.0, 0.01);
  EXPECT_EQ(at_first_slot.size(), 15u);
}

TEST(ExplorationTest, PinsKeepTheirSlots) {
  for (uint64_t seed = 0; seed < 500; ++seed) {
    auto ranked = Ranked(7);
    ranked[1].reasons = kReasonPin;
    const std::vector<float> p = Explore(ranked, 4, 0.9, seed);
    EXPECT_EQ(ranked[1].item, 1u);
    EXPECT_EQ(p[1], 1.0f);
    std::set<ItemIndex> seen;
    for (const RankedItem& r : ranked) EXPECT_TRUE(seen.insert(r.item).second);
  }
}

TEST(ExplorationTest, TheLastItemLeftIsCertain) {
  auto ranked = Ranked(3);
  const std::vector<float> p = Explore(ranked, 5, 0.5, 1);
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(p.back(), 1.0f);
}

}  // namespace
}  // namespace recsys
