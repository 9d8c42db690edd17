#include "core/interleave.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace recsys {
namespace {

std::vector<RankedItem> Ranking(std::initializer_list<ItemIndex> items) {
  std::vector<RankedItem> out;
  for (ItemIndex i : items) {
    RankedItem r;
    r.item = i;
    out.push_back(r);
  }
  return out;
}

std::vector<ItemIndex> Items(const Interleaved& merged) {
  std::vector<ItemIndex> out;
  for (const RankedItem& r : merged.items) out.push_back(r.item);
  return out;
}

TEST(InterleaveTest, TeamsTakeTurnsWithTheirBestUnshownItem) {
  const auto a = Ranking({1, 2, 3, 4});
  const auto b = Ranking({2, 5, 1, 6});
  const Interleaved merged = TeamDraftInterleave(a, b, 4, 7);
  ASSERT_EQ(merged.items.size(), 4u);
  ASSERT_EQ(merged.teams.size(), 4u);
  // Each round gives both teams one pick, in either order.
  EXPECT_EQ(merged.teams[0] + merged.teams[1], 1);
  EXPECT_EQ(merged.teams[2] + merged.teams[3], 1);
  // A team's picks are its ranking in order, skipping what the other took.
  std::vector<ItemIndex> picked[2];
  for (size_t i = 0; i < merged.items.size(); ++i) {
    picked[merged.teams[i]].push_back(merged.items[i].item);
  }
  EXPECT_EQ(picked[0].front(), 1u);
  EXPECT_TRUE(picked[1].front() == 2u || picked[1].front() == 5u);
  const std::vector<ItemIndex> items = Items(merged);
  EXPECT_EQ(std::set<ItemIndex>(items.begin(), items.end()).size(), 4u);
}

TEST(InterleaveTest, TheCoinDecidesWhoStartsAndIsFair) {
  const auto a = Ranking({1, 2, 3});
  const auto b = Ranking({4, 5, 6});
  int first_starts = 0;
  for (uint64_t seed = 0; seed < 1000; ++seed) {
    const Interleaved merged = TeamDraftInterleave(a, b, 2, seed);
    first_starts += merged.teams[0] == 0;
    EXPECT_EQ(TeamDraftInterleave(a, b, 2, seed).teams, merged.teams);  // deterministic
  }
  EXPECT_GT(first_starts, 430);
  EXPECT_LT(first_starts, 570);
}

TEST(InterleaveTest, IdenticalRankingsKeepTheirOrder) {
  const auto a = Ranking({9, 8, 7, 6, 5});
  EXPECT_EQ(Items(TeamDraftInterleave(a, a, 5, 3)), (std::vector<ItemIndex>{9, 8, 7, 6, 5}));
}

TEST(InterleaveTest, AShortRankingLetsTheOtherFillTheList) {
  const auto a = Ranking({1});
  const auto b = Ranking({2, 3, 4});
  const Interleaved merged = TeamDraftInterleave(a, b, 4, 1);
  EXPECT_EQ(merged.items.size(), 4u);
  EXPECT_EQ(std::count(merged.teams.begin(), merged.teams.end(), 1), 3);
  EXPECT_TRUE(TeamDraftInterleave({}, {}, 4, 1).items.empty());
}

}  // namespace
}  // namespace recsys
