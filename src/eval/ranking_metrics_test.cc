#include "eval/ranking_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace recsys::eval {
namespace {

TEST(RankingMetricsTest, ScoresAListAgainstItsTruth) {
  const std::vector<uint32_t> ranked = {5, 1, 7, 2};
  const std::vector<uint32_t> truth = {1, 2, 9};  // sorted
  const UserScores s = ScoreRanking(ranked, truth, 4);
  EXPECT_DOUBLE_EQ(s[kRecall], 2.0 / 3);
  EXPECT_DOUBLE_EQ(s[kPrecision], 0.5);
  EXPECT_DOUBLE_EQ(s[kHitRate], 1);
  EXPECT_DOUBLE_EQ(s[kMrr], 0.5);
  // Hits at ranks 2 and 4: AP = (1/2 + 2/4) / min(3, 4).
  EXPECT_DOUBLE_EQ(s[kMap], (0.5 + 0.5) / 3);
  const double dcg = 1 / std::log2(3.0) + 1 / std::log2(5.0);
  const double ideal = 1 + 1 / std::log2(3.0) + 1 / std::log2(4.0);
  EXPECT_DOUBLE_EQ(s[kNdcg], dcg / ideal);
}

TEST(RankingMetricsTest, OnlyTheFirstKCount) {
  const std::vector<uint32_t> ranked = {5, 6, 1};
  const std::vector<uint32_t> truth = {1};
  const UserScores at2 = ScoreRanking(ranked, truth, 2);
  EXPECT_EQ(at2[kHitRate], 0);
  EXPECT_EQ(at2[kMrr], 0);
  EXPECT_EQ(ScoreRanking(ranked, truth, 3)[kRecall], 1);
  // Precision divides by k even when the list is shorter.
  EXPECT_DOUBLE_EQ(ScoreRanking(ranked, truth, 10)[kPrecision], 0.1);
}

TEST(RankingMetricsTest, ARecallCurveRisesAtEachHit) {
  std::vector<double> curve;
  RecallCurve(std::vector<uint32_t>{4, 1, 8, 3}, std::vector<uint32_t>{1, 3}, 6, curve);
  EXPECT_EQ(curve, (std::vector<double>{0, 0.5, 0.5, 1, 1, 1}));
}

TEST(RankingMetricsTest, NoveltyIsLowForWhatEveryoneSees) {
  const std::vector<int64_t> counts = {1000, 0, 10};
  const double popular = MeanNovelty(std::vector<uint32_t>{0}, 5, counts, 1010);
  const double rare = MeanNovelty(std::vector<uint32_t>{1}, 5, counts, 1010);
  EXPECT_LT(popular, 0.1);
  EXPECT_NEAR(rare, std::log2(1013.0), 1e-9);
  EXPECT_EQ(MeanNovelty({}, 5, counts, 1010), 0);
}

}  // namespace
}  // namespace recsys::eval
