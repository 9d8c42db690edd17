#include "service/experiments.h"

#include <gtest/gtest.h>

#include <map>

namespace recsys::service {
namespace {

TenantConfig WithExperiment() {
  auto config = ParseTenantConfig(R"({"weights": {"pop": 1},
      "experiments": [{"id": "blend", "surface": "home", "variants": [
        {"name": "control", "weight": 25},
        {"name": "cooc", "weight": 75, "config": {"weights": {"pop": 0.2, "cooc": 1}}}]}]})");
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  return config.value();
}

TEST(ExperimentsTest, SplitOver100kUsersMatchesTheWeightsWithinOnePercent) {
  const TenantConfig config = WithExperiment();
  std::map<std::string, int> counts;
  for (int i = 0; i < 100000; ++i) {
    auto a = AssignExperiment(config, "home", "user-" + std::to_string(i), "salt");
    ASSERT_TRUE(a.has_value());
    ++counts[a->variant];
  }
  EXPECT_NEAR(counts["control"] / 100000.0, 0.25, 0.01);
  EXPECT_NEAR(counts["cooc"] / 100000.0, 0.75, 0.01);
}

TEST(ExperimentsTest, DeterministicPerUserWithTheVariantsOverrides) {
  const TenantConfig config = WithExperiment();
  auto first = AssignExperiment(config, "home", "alice", "salt");
  ASSERT_TRUE(first.has_value());
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(AssignExperiment(config, "home", "alice", "salt")->variant, first->variant);
  }
  EXPECT_EQ(first->experiment_id, "blend");
  EXPECT_EQ(first->config.weights.cooc, first->variant == "cooc" ? 1.0 : 0.0);
  EXPECT_FALSE(AssignExperiment(config, "pdp", "alice", "salt").has_value());  // other surface
}

TEST(ExperimentsTest, RequestedVariantWinsAndUnknownOnesChangeNothing) {
  const TenantConfig config = WithExperiment();
  auto forced = AssignExperiment(config, "home", "alice", "salt", "blend", "cooc");
  EXPECT_EQ(forced->variant, "cooc");
  EXPECT_EQ(forced->config.weights.cooc, 1.0);
  auto unknown = AssignExperiment(config, "home", "alice", "salt", "other", "x");
  EXPECT_EQ(unknown->experiment_id, "other");
  EXPECT_EQ(unknown->config.weights.cooc, 0.0);
}

}  // namespace
}  // namespace recsys::service
