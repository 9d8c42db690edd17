#include "eval/experiment_analysis.h"

#include <gtest/gtest.h>

#include <random>

#include "eval/experiment_report.h"

namespace recsys::eval {
namespace {

struct Plan {
  int users = 20000;
  double control_ctr = 0.10, treatment_ctr = 0.10;
  double treatment_share = 0.5;  // of users actually served the treatment
  double treatment_empty = 0;    // share of the treatment's responses that are empty
  uint64_t seed = 1;
};

// Users split by `treatment_share`, one to five exposures each, a click probability per user
// drawn around the variant's rate (users differ), purchases worth 10 on a fifth of clicks.
ExperimentData Generate(const Plan& plan) {
  std::mt19937_64 random(plan.seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::uniform_int_distribution<int> exposures_of(1, 5);
  ExperimentData data;
  data.experiment_id = "exp";
  data.variants = {"control", "treatment"};
  data.weights = {50, 50};
  for (uint32_t u = 0; u < static_cast<uint32_t>(plan.users); ++u) {
    const uint32_t variant = unit(random) < plan.treatment_share ? 1 : 0;
    const double base = variant == 1 ? plan.treatment_ctr : plan.control_ctr;
    const double p = base * (0.5 + unit(random));  // mean `base`, users differ
    for (int i = exposures_of(random); i > 0; --i) {
      ExposureOutcome e;
      e.variant = variant;
      e.user = u;
      e.latency_us = 2000 + static_cast<int64_t>(unit(random) * 1000);
      e.empty = variant == 1 && unit(random) < plan.treatment_empty;
      e.clicked = !e.empty && unit(random) < p;
      e.purchased = e.clicked && unit(random) < 0.2;
      e.added_to_cart = e.purchased;
      e.revenue = e.purchased ? 10 : 0;
      data.exposures.push_back(e);
    }
  }
  data.interactions_with_request = 1000;
  data.interactions_joined = 990;
  return data;
}

TEST(ExperimentAnalysisTest, FindsAPlantedWinWithAnIntervalThatCoversIt) {
  Plan plan;
  plan.treatment_ctr = 0.12;  // +20 %
  auto report = AnalyzeExperiment(Generate(plan), {});
  ASSERT_TRUE(report.ok()) << report.status().message();
  const ExperimentReport& r = report.value();
  EXPECT_EQ(r.verdict, Verdict::kShip);
  EXPECT_EQ(r.verdict_variant, "treatment");
  ASSERT_EQ(r.comparisons.size(), 1u);
  const GroupComparison& ctr = r.comparisons[0].metrics[kCtr];
  EXPECT_GT(ctr.relative_lift, 0);
  EXPECT_LT(ctr.lift_interval.low, 0.2);
  EXPECT_GT(ctr.lift_interval.high, 0.2);
  EXPECT_LT(ctr.p_value, 0.001);
  for (const Gate& g : r.gates) EXPECT_TRUE(g.passed) << g.name << ": " << g.detail;
}

TEST(ExperimentAnalysisTest, APlantedLossRollsBack) {
  Plan plan;
  plan.treatment_ctr = 0.08;
  auto report = AnalyzeExperiment(Generate(plan), {});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report.value().verdict, Verdict::kRollBack);
  EXPECT_LT(report.value().comparisons[0].metrics[kCtr].difference, 0);
}

TEST(ExperimentAnalysisTest, NoEffectHoldsAndTheFalsePositiveRateIsNominal) {
  int significant = 0, sequential_significant = 0;
  constexpr int kSeeds = 300;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    Plan plan;
    plan.users = 2000;
    plan.seed = static_cast<uint64_t>(seed);
    auto report = AnalyzeExperiment(Generate(plan), {});
    ASSERT_TRUE(report.ok());
    const GroupComparison& ctr = report.value().comparisons[0].metrics[kCtr];
    significant += ctr.p_value < 0.05;
    sequential_significant += ctr.sequential_p < 0.05;
  }
  const double rate = static_cast<double>(significant) / kSeeds;
  // 300 tests at 5 %: 15 expected, standard deviation 3.8.
  EXPECT_GT(rate, 0.01);
  EXPECT_LT(rate, 0.09);
  EXPECT_LE(sequential_significant, significant);
}

TEST(ExperimentAnalysisTest, TheAaModeReportsTheNominalRate) {
  ExperimentOptions options;
  options.aa_splits = 200;
  auto report = AnalyzeExperiment(Generate({}), options);
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report.value().aa.has_value());
  EXPECT_EQ(report.value().aa->splits, 200);
  EXPECT_TRUE(report.value().aa->within) << report.value().aa->rate;
  EXPECT_LT(report.value().aa->rate, 0.1);
}

TEST(ExperimentAnalysisTest, ASkewedSplitIsFlaggedAndRefusesAVerdict) {
  Plan plan;
  plan.treatment_share = 0.45;
  plan.treatment_ctr = 0.12;
  auto report = AnalyzeExperiment(Generate(plan), {});
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report.value().sample_ratio.has_value());
  EXPECT_LT(report.value().sample_ratio->p_value, 0.001);
  EXPECT_EQ(report.value().verdict, Verdict::kNone);
  ASSERT_GE(report.value().gates.size(), 2u);
  EXPECT_FALSE(report.value().gates[1].passed);
}

TEST(ExperimentAnalysisTest, ALowJoinRateRefusesAVerdict) {
  Plan plan;
  plan.treatment_ctr = 0.12;
  ExperimentData data = Generate(plan);
  data.interactions_joined = 900;  // 90 %
  auto report = AnalyzeExperiment(data, {});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report.value().verdict, Verdict::kNone);
  EXPECT_FALSE(report.value().gates[0].passed);
  EXPECT_NEAR(report.value().join_rate, 0.9, 1e-12);
}

TEST(ExperimentAnalysisTest, AGuardrailBreachRollsBackEvenAWin) {
  Plan plan;
  plan.treatment_ctr = 0.14;
  plan.treatment_empty = 0.05;
  auto report = AnalyzeExperiment(Generate(plan), {});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report.value().verdict, Verdict::kRollBack);
  EXPECT_EQ(report.value().comparisons[0].guardrails_breached,
            std::vector<std::string>{"empty_rate"});
}

TEST(ExperimentAnalysisTest, TooFewUsersHold) {
  Plan plan;
  plan.users = 100;
  plan.treatment_ctr = 0.5;
  auto report = AnalyzeExperiment(Generate(plan), {});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report.value().verdict, Verdict::kHold);
}

TEST(ExperimentAnalysisTest, NoExposuresIsAnError) {
  ExperimentData data;
  data.experiment_id = "exp";
  data.variants = {"control"};
  EXPECT_EQ(AnalyzeExperiment(data, {}).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace recsys::eval

namespace recsys::eval {
namespace {

// Interleaved responses to `users` users, three each; each response's clicks on each team's
// items drawn with the teams' click rates.
ExperimentData Interleaved(int users, double first_rate, double second_rate, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::bernoulli_distribution first(first_rate), second(second_rate);
  ExperimentData data;
  data.experiment_id = "tdi";
  data.teams[0] = "control";
  data.teams[1] = "new";
  for (uint32_t u = 0; u < static_cast<uint32_t>(users); ++u) {
    for (int i = 0; i < 3; ++i) {
      InterleavedOutcome e;
      e.user = u;
      e.clicks[0] = first(random);
      e.clicks[1] = second(random);
      data.interleaved.push_back(e);
    }
  }
  data.interactions_with_request = data.interactions_joined = 100;
  return data;
}

TEST(InterleavingAnalysisTest, APreferredSecondTeamShips) {
  auto report = AnalyzeExperiment(Interleaved(3000, 0.10, 0.14, 1), {});
  ASSERT_TRUE(report.ok()) << report.status().message();
  const ExperimentReport& r = report.value();
  ASSERT_TRUE(r.interleaving.has_value());
  EXPECT_EQ(r.verdict, Verdict::kShip);
  EXPECT_EQ(r.verdict_variant, "new");
  EXPECT_GT(r.interleaving->preference, 0);
  EXPECT_LT(r.interleaving->p_value, 0.001);
  EXPECT_EQ(r.interleaving->exposures, 9000);
  EXPECT_EQ(r.interleaving->users, 3000);
  for (const Gate& g : r.gates) EXPECT_TRUE(g.passed) << g.name << ": " << g.detail;
  EXPECT_NE(ExperimentReportJson(r).find(R"("interleaving":{"teams":["control","new"])"),
            std::string::npos);
}

TEST(InterleavingAnalysisTest, APreferredFirstTeamRollsBackAndNoPreferenceHolds) {
  auto worse = AnalyzeExperiment(Interleaved(3000, 0.14, 0.10, 2), {});
  ASSERT_TRUE(worse.ok());
  EXPECT_EQ(worse.value().verdict, Verdict::kRollBack);
  int significant = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    auto same = AnalyzeExperiment(Interleaved(1000, 0.12, 0.12, seed), {});
    ASSERT_TRUE(same.ok());
    significant += same.value().verdict != Verdict::kHold;
  }
  EXPECT_LT(significant, 20);  // about 5 % of 200
}

}  // namespace
}  // namespace recsys::eval
