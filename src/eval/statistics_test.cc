#include "eval/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace recsys::eval {
namespace {

TEST(StatisticsTest, NormalTailsMatchKnownValues) {
  EXPECT_NEAR(NormalCdf(0), 0.5, 1e-12);
  EXPECT_NEAR(NormalCdf(kZ95), 0.975, 1e-9);
  EXPECT_NEAR(TwoSidedP(kZ95), 0.05, 1e-9);
  EXPECT_NEAR(TwoSidedP(-2.5758293035489), 0.01, 1e-9);
}

TEST(StatisticsTest, ChiSquareTailsMatchTables) {
  EXPECT_NEAR(ChiSquareUpperTail(3.841458820694124, 1), 0.05, 1e-9);
  EXPECT_NEAR(ChiSquareUpperTail(5.991464547107979, 2), 0.05, 1e-9);
  EXPECT_NEAR(ChiSquareUpperTail(10.827566170662733, 1), 0.001, 1e-9);
  EXPECT_NEAR(ChiSquareUpperTail(30, 10), 8.566412e-4, 1e-8);  // the continued-fraction side
  EXPECT_EQ(ChiSquareUpperTail(0, 3), 1);
}

TEST(StatisticsTest, BootstrapIntervalCoversTheMeanAndNarrowsWithMoreRows) {
  std::mt19937_64 random(7);
  std::normal_distribution<double> normal(10, 2);
  std::vector<double> small(100), large(10000);
  for (double& v : small) v = normal(random);
  for (double& v : large) v = normal(random);
  const Interval a = BootstrapMeanIntervals(small, 1, 500, 1)[0];
  const Interval b = BootstrapMeanIntervals(large, 1, 500, 1)[0];
  EXPECT_LT(a.low, 10);
  EXPECT_GT(a.high, 10);
  EXPECT_LT(b.low, 10.1);
  EXPECT_GT(b.high, 9.9);
  // Width is about 2 * 1.96 * sigma / sqrt(n).
  EXPECT_NEAR(b.high - b.low, 2 * kZ95 * 2 / 100, 0.02);
  EXPECT_LT(b.high - b.low, (a.high - a.low) / 5);
  // Deterministic for a seed.
  const Interval again = BootstrapMeanIntervals(small, 1, 500, 1)[0];
  EXPECT_EQ(a.low, again.low);
  EXPECT_EQ(a.high, again.high);
}

TEST(StatisticsTest, BootstrapTreatsColumnsSeparately) {
  const std::vector<double> rows = {1, 100, 1, 100, 1, 100};
  const auto intervals = BootstrapMeanIntervals(rows, 2, 100, 3);
  ASSERT_EQ(intervals.size(), 2u);
  EXPECT_EQ(intervals[0].low, 1);
  EXPECT_EQ(intervals[1].high, 100);
}

TEST(StatisticsTest, PairedTestSeesAConsistentDifference) {
  std::vector<double> differences;
  for (int i = 0; i < 200; ++i) differences.push_back(0.1 + (i % 2 ? 0.05 : -0.05));
  EXPECT_LT(TestPairedDifferences(differences).p_value, 1e-6);
  std::vector<double> noise;
  for (int i = 0; i < 200; ++i) noise.push_back(i % 2 ? 0.05 : -0.05);
  EXPECT_GT(TestPairedDifferences(noise).p_value, 0.5);
  EXPECT_EQ(TestPairedDifferences({}).p_value, 1);
}

TEST(StatisticsTest, OneExposurePerUserIsTheTwoProportionTest) {
  RatioSums control, treatment;
  for (int i = 0; i < 1000; ++i) control.Add(i < 100 ? 1 : 0, 1);    // 10 %
  for (int i = 0; i < 1000; ++i) treatment.Add(i < 130 ? 1 : 0, 1);  // 13 %
  const GroupComparison c = CompareRatios(control, treatment);
  EXPECT_NEAR(c.difference, 0.03, 1e-12);
  EXPECT_NEAR(c.relative_lift, 0.3, 1e-12);
  const double se = std::sqrt(0.1 * 0.9 / 999 + 0.13 * 0.87 / 999);
  EXPECT_NEAR(c.z, 0.03 / se, 1e-9);
  EXPECT_NEAR(c.p_value, TwoSidedP(0.03 / se), 1e-12);
  // The always-valid p-value pays for peeking: never below the fixed-horizon one here.
  EXPECT_GE(c.sequential_p, c.p_value);
  EXPECT_LT(c.sequential_interval.low, c.difference_interval.low);
}

TEST(StatisticsTest, CorrelatedExposuresWidenTheInterval) {
  // Each user either clicks all of their 10 exposures or none: 100 users carry the information,
  // not 1,000 exposures.
  RatioSums clustered, independent;
  for (int u = 0; u < 100; ++u) clustered.Add(u < 10 ? 10 : 0, 10);
  for (int i = 0; i < 1000; ++i) independent.Add(i < 100 ? 1 : 0, 1);
  EXPECT_NEAR(clustered.Ratio(), independent.Ratio(), 1e-12);
  EXPECT_GT(clustered.RatioVariance(), 8 * independent.RatioVariance());
}

TEST(StatisticsTest, SampleRatioMismatchIsFlaggedOnlyWhenSkewed) {
  const int64_t even[] = {5030, 4970};
  const int64_t skewed[] = {5300, 4700};
  const double weights[] = {50, 50};
  EXPECT_GT(CheckSampleRatio(even, weights).p_value, 0.05);
  EXPECT_LT(CheckSampleRatio(skewed, weights).p_value, 1e-6);
  const int64_t uneven[] = {9010, 990};
  const double ninety_ten[] = {0.9, 0.1};
  EXPECT_GT(CheckSampleRatio(uneven, ninety_ten).p_value, 0.05);
}

TEST(StatisticsTest, SignTestMatchesTheBinomial) {
  EXPECT_NEAR(SignTestP(9, 1), 2 * 11.0 / 1024, 1e-12);
  EXPECT_EQ(SignTestP(5, 5), 1);
  EXPECT_EQ(SignTestP(0, 0), 1);
  EXPECT_LT(SignTestP(1100, 900), 0.001);  // normal approximation side
  EXPECT_GT(SignTestP(1010, 990), 0.5);
}

}  // namespace
}  // namespace recsys::eval
