#include "core/impact_metrics.h"

#include <gtest/gtest.h>

namespace recsys {
namespace {

using List = std::vector<std::string>;

TEST(RankBiasedOverlapTest, IdenticalListsScoreOneAndDisjointZero) {
  EXPECT_DOUBLE_EQ(RankBiasedOverlap(List{"a", "b", "c"}, List{"a", "b", "c"}, 0.9), 1.0);
  EXPECT_DOUBLE_EQ(RankBiasedOverlap(List{"a", "b"}, List{"c", "d"}, 0.9), 0.0);
  EXPECT_DOUBLE_EQ(RankBiasedOverlap(List{}, List{}, 0.9), 1.0);
  EXPECT_DOUBLE_EQ(RankBiasedOverlap(List{"a"}, List{}, 0.9), 0.0);
}

TEST(RankBiasedOverlapTest, SwappedPairHasTheClosedFormValue) {
  // Depth 1 agrees on nothing, depth 2 on both: (1 - p) / (1 - p^2) · (0 + p · 2/2) = 1/3.
  EXPECT_NEAR(RankBiasedOverlap(List{"x", "y"}, List{"y", "x"}, 0.5), 1.0 / 3, 1e-12);
}

TEST(RankBiasedOverlapTest, AShorterListCountsAgainstTheOverlapAndIsSymmetric) {
  // (1 - p) / (1 - p^2) · (1 + p · 1/2) = 5/6.
  EXPECT_NEAR(RankBiasedOverlap(List{"x"}, List{"x", "y"}, 0.5), 5.0 / 6, 1e-12);
  EXPECT_NEAR(RankBiasedOverlap(List{"x", "y"}, List{"x"}, 0.5), 5.0 / 6, 1e-12);
}

TEST(RankBiasedOverlapTest, AChangeAtTheTopCostsMoreThanAtTheBottom) {
  const List base{"a", "b", "c", "d"};
  EXPECT_LT(RankBiasedOverlap(base, List{"z", "b", "c", "d"}, 0.9),
            RankBiasedOverlap(base, List{"a", "b", "c", "z"}, 0.9));
}

TEST(GiniTest, EqualCountsAreZeroAndOneHolderIsNearOne) {
  EXPECT_DOUBLE_EQ(Gini({}), 0.0);
  EXPECT_DOUBLE_EQ(Gini({0, 0}), 0.0);
  EXPECT_DOUBLE_EQ(Gini({3, 3, 3}), 0.0);
  // Σ (2i - n - 1) x_i / (n Σ x) with x = (0, 0, 0, 4): 3 · 4 / 16.
  EXPECT_DOUBLE_EQ(Gini({4, 0, 0, 0}), 0.75);
  // x = (1, 3): (-1 · 1 + 1 · 3) / (2 · 4).
  EXPECT_DOUBLE_EQ(Gini({3, 1}), 0.25);
}

TEST(GiniTest, ZerosCountWithoutBeingListed) {
  EXPECT_DOUBLE_EQ(Gini({4}, 3), Gini({4, 0, 0, 0}));
  EXPECT_DOUBLE_EQ(Gini({3, 1}, 2), Gini({0, 3, 0, 1}));
}

TEST(ImpactTallyTest, WithoutResponsesTheSummaryIsEmptyNotAnError) {
  const ImpactSummary s = ImpactTally(100).Summarize();
  EXPECT_EQ(s.responses, 0);
  EXPECT_EQ(s.changed, 0);
  EXPECT_DOUBLE_EQ(s.changed_share, 0);
  EXPECT_DOUBLE_EQ(s.mean_rbo, 1);
  EXPECT_DOUBLE_EQ(s.before.coverage, 0);
  EXPECT_TRUE(s.gained.empty());
  EXPECT_EQ(s.catalog_items, 100);
}

TEST(ImpactTallyTest, CountsChangesGainsLossesAndCoverage) {
  ImpactTally tally(10, 0.5, 2);
  tally.Add(List{"a", "b"}, List{"a", "b"}, 2, {}, {});
  tally.Add(List{"a", "b"}, List{"c", "a"}, 2, {}, {.pinned = true});
  tally.Add(List{"a", "b"}, List{"c", "d"}, 2, {.blocked = true}, {.boosted = true});
  tally.Add(List{"b", "a"}, List{"a", "b"}, 2, {}, {});
  const ImpactSummary s = tally.Summarize();
  EXPECT_EQ(s.responses, 4);
  EXPECT_EQ(s.changed, 3);
  EXPECT_DOUBLE_EQ(s.changed_share, 0.75);
  // RBO at p = 0.5: 1, (0 + 0.5 · 1/2) / 0.75 · 0.5 = 1/6, 0, 1/3.
  EXPECT_NEAR(s.mean_rbo, (1 + 1.0 / 6 + 0 + 1.0 / 3) / 4, 1e-12);
  ASSERT_EQ(s.gained.size(), 2u);
  EXPECT_EQ(s.gained[0].item_id, "c");
  EXPECT_EQ(s.gained[0].responses, 2);
  EXPECT_EQ(s.gained[1].item_id, "d");
  ASSERT_EQ(s.lost.size(), 2u);
  EXPECT_EQ(s.lost[0].item_id, "b");
  EXPECT_EQ(s.lost[0].responses, 2);
  EXPECT_EQ(s.lost[1].item_id, "a");
  EXPECT_EQ(s.before.distinct_items, 2);
  EXPECT_EQ(s.after.distinct_items, 4);
  EXPECT_DOUBLE_EQ(s.before.coverage, 0.2);
  EXPECT_DOUBLE_EQ(s.after.coverage, 0.4);
  EXPECT_EQ(s.before.blocked, 1);
  EXPECT_EQ(s.after.pinned, 1);
  EXPECT_EQ(s.after.boosted, 1);
  // Before: a and b four times each among 10 items: Gini (2·9-11 + 2·10-11) · 4 / (10 · 8).
  EXPECT_NEAR(s.before.gini, (7.0 + 9.0) * 4 / 80, 1e-12);
}

TEST(ImpactTallyTest, CountsResponsesThatBecomeEmptyOrShort) {
  ImpactTally tally(5);
  tally.Add(List{"a", "b"}, List{}, 2, {}, {});
  tally.Add(List{"a", "b"}, List{"a"}, 2, {}, {});
  tally.Add(List{"a"}, List{"b"}, 2, {}, {});  // short before already: not "became short"
  const ImpactSummary s = tally.Summarize();
  EXPECT_EQ(s.became_empty, 1);
  EXPECT_EQ(s.became_short, 1);
  EXPECT_EQ(s.after.empty, 1);
  EXPECT_EQ(s.after.short_lists, 2);
  EXPECT_EQ(s.before.short_lists, 1);
}

TEST(ImpactTallyTest, TheCatalogIsAtLeastWhatWasShown) {
  ImpactTally tally(1);
  tally.Add(List{"a", "b"}, List{"c"}, 2, {}, {});
  const ImpactSummary s = tally.Summarize();
  EXPECT_EQ(s.catalog_items, 3);
  EXPECT_NEAR(s.before.coverage, 2.0 / 3, 1e-12);
}

}  // namespace
}  // namespace recsys
