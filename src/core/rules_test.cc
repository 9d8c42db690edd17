#include "core/rules.h"

#include <gtest/gtest.h>

namespace recsys {
namespace {

TEST(RulesTest, ParsesAndNormalizes) {
  auto rules = ParseRules(R"([
    {"id": "pin-1", "action": "pin", "target_type": "item", "item_ids": ["a", "b", "a"], "max_pins": 1},
    {"action": "boost", "target_type": "brand", "target_key": " Nike ", "boost_value": 0.5,
     "priority": 3, "surface": "home", "valid_from": "2026-01-01T00:00:00Z",
     "valid_until": "2027-01-01T00:00:00Z"},
    {"action": "block", "target_type": "tag", "target_key": "Color:Red", "enabled": false}])");
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  const auto& r = rules.value();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].item_ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r[1].tag, "brand:nike");
  EXPECT_EQ(r[1].id, "rule-1");
  EXPECT_EQ(r[2].tag, "color:red");
  EXPECT_FALSE(r[2].enabled);
}

TEST(RulesTest, ErrorsNameIndexAndField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"([{"action": "hide", "target_type": "item", "item_ids": ["a"]}])", "rules[0].action"},
      {R"([{"action": "pin", "target_type": "shelf"}])", "rules[0].target_type"},
      {R"([{"action": "pin", "target_type": "item"}])", "rules[0].item_ids"},
      {R"([{"action": "pin", "target_type": "item", "item_ids": []}])", "rules[0].item_ids"},
      {R"([{"action": "block", "target_type": "item", "item_ids": ["a"]},
          {"action": "boost", "target_type": "tag", "target_key": "x"}])",
       "rules[1].boost_value"},
      {R"([{"action": "block", "target_type": "brand"}])", "rules[0].target_key"},
      {R"([{"action": "block", "target_type": "tag", "target_key": "x",
           "valid_from": "2027-01-01T00:00:00Z", "valid_until": "2026-01-01T00:00:00Z"}])",
       "rules[0].valid_from"},
      {R"([{"action": "block", "target_type": "tag", "target_key": "x", "valid_until": "soon"}])",
       "rules[0].valid_until"},
      {R"([{"action": "block", "target_type": "tag", "target_key": "x", "priority": 1.5}])",
       "rules[0].priority"},
      {R"([{"id": "x", "action": "block", "target_type": "tag", "target_key": "x"},
          {"id": "x", "action": "block", "target_type": "tag", "target_key": "y"}])",
       "rules[1].id"},
      {R"({"rules": []})", "rules"},
  };
  for (const auto& [doc, field] : cases) {
    auto r = ParseRules(doc);
    ASSERT_FALSE(r.ok()) << doc;
    EXPECT_EQ(r.status().message().rfind(field, 0), 0u) << r.status().message();
  }
}

TEST(RulesTest, WithRuleIdsAddsUuidsOnlyWhereMissing) {
  const std::string out = WithRuleIds(
      R"([{"id": "keep", "action": "block", "target_type": "tag", "target_key": "x"},
          {"action": "block", "target_type": "tag", "target_key": "y", "id": null}])");
  auto rules = ParseRules(out);
  ASSERT_TRUE(rules.ok()) << out;
  EXPECT_EQ(rules.value()[0].id, "keep");
  EXPECT_EQ(rules.value()[1].id.size(), 36u);
}

TEST(RulesTest, ApplicableRulesOrderByPriorityThenDocument) {
  auto rules = ParseRules(R"([
    {"id": "low", "action": "block", "target_type": "tag", "target_key": "x"},
    {"id": "high", "action": "block", "target_type": "tag", "target_key": "x", "priority": 9},
    {"id": "low2", "action": "block", "target_type": "tag", "target_key": "x"},
    {"id": "vip", "action": "block", "target_type": "tag", "target_key": "x", "segment": "vip"}])");
  ASSERT_TRUE(rules.ok());
  auto applicable = ApplicableRules(rules.value(), "home", "default", 0);
  ASSERT_EQ(applicable.size(), 3u);
  EXPECT_EQ(applicable[0]->id, "high");
  EXPECT_EQ(applicable[1]->id, "low");
  EXPECT_EQ(applicable[2]->id, "low2");
}

}  // namespace
}  // namespace recsys
