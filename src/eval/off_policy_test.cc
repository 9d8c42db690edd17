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

// How users click a shown list: each slot on its own, or cascading (a user stops at the first
// click, so a click depends on the items above).
enum class ClickModel { kPerSlot, kCascade };

// Responses served by a ranking that swaps the best two items, with exploration over all 30
// items; the draft ranks the best five in order.
std::vector<LoggedSlate> Simulate(int responses, double epsilon, uint64_t seed,
                                  ClickModel model = ClickModel::kPerSlot) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<LoggedSlate> slates;
  for (int r = 0; r < responses; ++r) {
    std::vector<RankedItem> ranked(kItems);
    for (int i = 0; i < kItems; ++i) ranked[i].item = static_cast<ItemIndex>(i);
    std::swap(ranked[0], ranked[1]);
    const std::vector<float> propensities = Explore(ranked, kSlots, epsilon, random());
    LoggedSlate slate;
    bool clicked_above = false;
    for (size_t slot = 0; slot < ranked.size(); ++slot) {
      const bool click = !(model == ClickModel::kCascade && clicked_above) &&
                         unit(random) < ClickProbability(ranked[slot].item, slot);
      clicked_above = clicked_above || click;
      slate.items.push_back(ranked[slot].item);
      slate.propensities.push_back(propensities[slot]);
      slate.clicked.push_back(click);
    }
    slate.target = {0, 1, 2, 3, 4};
    slates.push_back(std::move(slate));
  }
  return slates;
}

// The draft's expected clicks per response under `model`.
double DraftValue(ClickModel model) {
  double value = 0, no_click_above = 1;
  for (size_t slot = 0; slot < kSlots; ++slot) {
    const double p = ClickProbability(static_cast<uint32_t>(slot), slot);
    value += (model == ClickModel::kCascade ? no_click_above : 1) * p;
    no_click_above *= 1 - p;
  }
  return value;
}

TEST(OffPolicyTest, IpsFindsTheDraftsTrueValueFromExploredLogs) {
  const double truth = DraftValue(ClickModel::kPerSlot);
  const std::vector<LoggedSlate> slates = Simulate(200000, 0.5, 7);
  const OffPolicyEstimate e = EstimateOffPolicy(slates, 1e6);
  EXPECT_EQ(e.slates, 200000);
  EXPECT_EQ(e.clipped, 0);
  EXPECT_GT(e.matched_slots, 0);
  EXPECT_LT(e.logged_clicks, truth);  // what was served was worse
  EXPECT_NEAR(e.ips, truth, 4 * e.ips_standard_error) << "truth " << truth;
  EXPECT_LT(e.ips_interval.low, e.ips);
  EXPECT_NEAR(e.snips, truth, 0.1 * truth);
  EXPECT_GT(e.effective_sample_size, kMinEffectiveSampleSize);
  EXPECT_LT(e.effective_sample_size, static_cast<double>(e.matched_slots));
}

TEST(OffPolicyTest, StaysUnbiasedWhenAClickDependsOnTheItemsAbove) {
  const double truth = DraftValue(ClickModel::kCascade);
  const OffPolicyEstimate e =
      EstimateOffPolicy(Simulate(200000, 0.5, 11, ClickModel::kCascade), 1e6);
  EXPECT_NEAR(e.ips, truth, 4 * e.ips_standard_error) << "truth " << truth;
  EXPECT_LT(e.ips_standard_error, 0.05 * truth);
}

TEST(OffPolicyTest, ADraftFarFromWhatWasServedHasTooLittleSupport) {
  std::vector<LoggedSlate> slates = Simulate(2000, 0.1, 5);
  for (LoggedSlate& slate : slates) slate.target = {29, 28, 27, 26, 25};
  EXPECT_LT(EstimateOffPolicy(slates, 1e6).effective_sample_size, kMinEffectiveSampleSize);
  EXPECT_GT(EstimateOffPolicy(Simulate(2000, 0.1, 5), 1e6).effective_sample_size,
            kMinEffectiveSampleSize);
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
