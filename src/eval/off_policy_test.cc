#include "eval/off_policy.h"

#include <gtest/gtest.h>

#include <random>

#include "core/exploration.h"

namespace recsys::eval {
namespace {

constexpr int kItems = 30, kSlots = 5;

// Click probability: the item's appeal (item 0 best) times the slot's position bias.
double ClickProbability(uint32_t item, size_t slot) {
  return 0.4 * (1 - static_cast<double>(item) / kItems) / static_cast<double>(slot + 1);
}

// Responses served by a poor ranking (worst items first) with exploration over all 30 items; the
// draft ranks the best five first.
std::vector<LoggedSlate> Simulate(int responses, double epsilon, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<LoggedSlate> slates;
  for (int r = 0; r < responses; ++r) {
    std::vector<RankedItem> ranked(kItems);
    for (int i = 0; i < kItems; ++i) ranked[i].item = static_cast<ItemIndex>(kItems - 1 - i);
    const std::vector<float> propensities = Explore(ranked, kSlots, epsilon, random());
    LoggedSlate slate;
    for (size_t slot = 0; slot < ranked.size(); ++slot) {
      slate.items.push_back(ranked[slot].item);
      slate.propensities.push_back(propensities[slot]);
      slate.clicked.push_back(unit(random) < ClickProbability(ranked[slot].item, slot));
    }
    slate.target = {0, 1, 2, 3, 4};
    slates.push_back(std::move(slate));
  }
  return slates;
}

TEST(OffPolicyTest, IpsFindsTheDraftsTrueValueFromExploredLogs) {
  double truth = 0;
  for (size_t slot = 0; slot < kSlots; ++slot) truth += ClickProbability(slot, slot);
  const std::vector<LoggedSlate> slates = Simulate(200000, 0.5, 7);
  const OffPolicyEstimate e = EstimateOffPolicy(slates, 1e6);
  EXPECT_EQ(e.slates, 200000);
  EXPECT_EQ(e.clipped, 0);
  EXPECT_GT(e.matched_slots, 0);
  EXPECT_LT(e.logged_clicks, truth / 2);  // what was served was much worse
  EXPECT_NEAR(e.ips, truth, 4 * e.ips_standard_error) << "truth " << truth;
  EXPECT_LT(e.ips_interval.low, e.ips);
  EXPECT_NEAR(e.snips, truth, 0.1 * truth);
  EXPECT_GT(e.effective_sample_size, 100);
  EXPECT_LT(e.effective_sample_size, static_cast<double>(e.matched_slots));
}

TEST(OffPolicyTest, ClippingCountsAndLowersTheWeights) {
  const std::vector<LoggedSlate> slates = Simulate(20000, 0.5, 3);
  const OffPolicyEstimate unclipped = EstimateOffPolicy(slates, 1e6);
  const OffPolicyEstimate clipped = EstimateOffPolicy(slates, 10);
  EXPECT_GT(clipped.clipped, 0);
  EXPECT_LT(clipped.ips, unclipped.ips);
  EXPECT_LT(clipped.ips_standard_error, unclipped.ips_standard_error);
}

TEST(OffPolicyTest, NoMatchingSlotEstimatesZero) {
  LoggedSlate slate{{1, 2}, {0.9f, 0.9f}, {1, 1}, {7, 8}};
  const OffPolicyEstimate e = EstimateOffPolicy(std::vector<LoggedSlate>{slate, slate}, 100);
  EXPECT_EQ(e.matched_slots, 0);
  EXPECT_EQ(e.ips, 0);
  EXPECT_DOUBLE_EQ(e.logged_clicks, 2);
  EXPECT_EQ(EstimateOffPolicy({}, 100).slates, 0);
}

}  // namespace
}  // namespace recsys::eval
