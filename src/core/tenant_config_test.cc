#include "core/tenant_config.h"

#include <gtest/gtest.h>

namespace recsys {
namespace {

TEST(TenantConfigTest, EmptyDocumentGivesReferenceDefaults) {
  auto c = ParseTenantConfig("{}");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value().weights.pop, 1.0);
  EXPECT_EQ(c.value().weights.cooc, 0.0);
  EXPECT_EQ(c.value().ranking.half_life_days, 30.0);
  EXPECT_EQ(c.value().ranking.max_pins, 3);
  EXPECT_EQ(c.value().max_k, 200);
  EXPECT_TRUE(c.value().enable_rules);
}

TEST(TenantConfigTest, ReadsEveryField) {
  auto c = ParseTenantConfig(R"({"weights": {"pop": 0.5, "cooc": 2, "emb": 0.1, "hist": 0.2},
      "flags": {"enable_rules": false, "exclude_anchors": false, "future_flag": 1},
      "limits": {"max_k": 50, "max_exclude_ids": 100, "events_rate": 20, "events_burst": 5000},
      "ranking": {"half_life_days": 7, "covisit_window_days": 14, "mmr_lambda": 0.7,
                  "brand_cap": 2, "category_cap": 3, "max_pins": 1},
      "experiments": [{"id": "e1", "surface": "home", "variants": [
          {"name": "a", "weight": 1}, {"name": "b", "weight": 1, "config": {"weights": {"cooc": 1}}}]}]})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const TenantConfig& t = c.value();
  EXPECT_EQ(t.weights.cooc, 2);
  EXPECT_FALSE(t.enable_rules);
  EXPECT_EQ(t.max_k, 50);
  EXPECT_EQ(t.events_rate, 20);
  EXPECT_EQ(t.events_burst, 5000);
  EXPECT_EQ(t.ranking.mmr_lambda, 0.7);
  ASSERT_EQ(t.experiments->size(), 1u);
  const ExperimentVariant& b = (*t.experiments)[0].variants[1];
  EXPECT_TRUE(b.has_weights);
  EXPECT_EQ(b.weights.cooc, 1);
  EXPECT_EQ(b.weights.pop, 0.5);  // inherits the base
  EXPECT_EQ(ExperimentFor(t, "home"), &(*t.experiments)[0]);
  EXPECT_EQ(ExperimentFor(t, "pdp"), nullptr);
  EXPECT_EQ(WithVariant(t, b).weights.cooc, 1);
  EXPECT_EQ(WithVariant(t, b).ranking.mmr_lambda, 0.7);
}

TEST(TenantConfigTest, PickVariantFollowsTheWeights) {
  Experiment e;
  e.id = "e";
  for (auto [name, weight] : {std::pair{"a", 1.0}, std::pair{"b", 3.0}}) {
    ExperimentVariant variant;
    variant.name = std::string_view(name);
    variant.weight = weight;
    e.variants.push_back(std::move(variant));
  }
  EXPECT_EQ(PickVariant(e, 0).name, "a");
  EXPECT_EQ(PickVariant(e, UINT64_MAX).name, "b");
  EXPECT_EQ(PickVariant(e, UINT64_MAX / 4 - 4096).name, "a");
  EXPECT_EQ(PickVariant(e, UINT64_MAX / 4 + 4096).name, "b");
}

TEST(TenantConfigTest, ReadsInterleavingAndExploration) {
  auto c = ParseTenantConfig(R"({"ranking": {"exploration": {"epsilon": 0.05, "pool": 30}},
      "experiments": [{"id": "tdi", "mode": "interleave", "variants": [
        {"name": "a", "weight": 1}, {"name": "b", "weight": 1, "config": {"weights": {"hist": 1}}}]}]})");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_DOUBLE_EQ(c.value().ranking.exploration_epsilon, 0.05);
  EXPECT_EQ(c.value().ranking.exploration_pool, 30);
  ASSERT_EQ(c.value().experiments->size(), 1u);
  EXPECT_EQ(c.value().experiments->front().mode, ExperimentMode::kInterleave);
  auto plain = ParseTenantConfig(
      R"({"experiments": [{"id": "e", "variants": [{"name": "a", "weight": 1}]}]})");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain.value().experiments->front().mode, ExperimentMode::kSplit);
  EXPECT_EQ(plain.value().ranking.exploration_epsilon, 0);
}

TEST(TenantConfigTest, ReadsRepeatSlotsAsFixedAutoOrBoundedAuto) {
  EXPECT_EQ(ParseTenantConfig("{}").value().ranking.repeat_slots.mode, RepeatSlots::kBlend);
  RepeatSlots fixed =
      ParseTenantConfig(R"({"ranking": {"repeat_slots": 8}})").value().ranking.repeat_slots;
  EXPECT_EQ(fixed.mode, RepeatSlots::kFixed);
  EXPECT_EQ(fixed.fixed, 8);
  RepeatSlots automatic =
      ParseTenantConfig(R"({"ranking": {"repeat_slots": "auto"}})").value().ranking.repeat_slots;
  EXPECT_EQ(automatic.mode, RepeatSlots::kAuto);
  EXPECT_EQ(automatic.min, 0);
  EXPECT_EQ(automatic.max, 200);
  RepeatSlots bounded = ParseTenantConfig(R"({"ranking": {"repeat_slots": {"min": 2, "max": 12}}})")
                            .value()
                            .ranking.repeat_slots;
  EXPECT_EQ(bounded.mode, RepeatSlots::kAuto);
  EXPECT_EQ(bounded.min, 2);
  EXPECT_EQ(bounded.max, 12);
  EXPECT_EQ(
      ParseTenantConfig(R"({"ranking": {"repeat_slots": null}})").value().ranking.repeat_slots.mode,
      RepeatSlots::kBlend);
}

TEST(TenantConfigTest, ErrorsNameTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"weights": {"pop": -1}})", "weights.pop"},
      {R"({"weights": []})", "weights"},
      {R"({"limits": {"max_k": 500}})", "limits.max_k"},
      {R"({"limits": {"events_rate": -1}})", "limits.events_rate"},
      {R"({"limits": {"events_burst": 999}})", "limits.events_burst"},
      {R"({"ranking": {"mmr_lambda": 2}})", "ranking.mmr_lambda"},
      {R"({"ranking": {"half_life_days": 0}})", "ranking.half_life_days"},
      {R"({"flags": {"enable_rules": "yes"}})", "flags.enable_rules"},
      {R"({"experiments": [{"id": "e", "variants": []}]})", "experiments[0].variants"},
      {R"({"experiments": [{"id": "e", "variants": [{"name": "a"}]}]})",
       "experiments[0].variants[0].weight"},
      {R"({"experiments": [{"id": "e", "mode": "mix", "variants": [{"name": "a", "weight": 1}]}]})",
       "experiments[0].mode"},
      {R"({"experiments": [{"id": "e", "mode": "interleave", "variants": [{"name": "a", "weight": 1}]}]})",
       "experiments[0].variants"},
      {R"({"ranking": {"exploration": {"epsilon": 0.9}}})", "ranking.exploration.epsilon"},
      {R"({"ranking": {"exploration": {"pool": 0}}})", "ranking.exploration.pool"},
      {R"({"ranking": {"repeat_slots": -1}})", "ranking.repeat_slots"},
      {R"({"ranking": {"repeat_slots": "some"}})", "ranking.repeat_slots"},
      {R"({"ranking": {"repeat_slots": 2.5}})", "ranking.repeat_slots"},
      {R"({"ranking": {"repeat_slots": {"min": 5, "max": 2}}})", "ranking.repeat_slots.min"},
      {R"({"ranking": {"repeat_slots": {"max": 999}}})", "ranking.repeat_slots.max"},
      {"[1]", "config"},
      {"{nope", "config"},
  };
  for (const auto& [doc, field] : cases) {
    auto c = ParseTenantConfig(doc);
    ASSERT_FALSE(c.ok()) << doc;
    EXPECT_EQ(c.status().message().rfind(field, 0), 0u) << c.status().message();
  }
}

}  // namespace
}  // namespace recsys
