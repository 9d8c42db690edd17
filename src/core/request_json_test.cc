#include "core/request_json.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace recsys {
namespace {

RecommendRequest Parsed(const char* body) {
  auto q = ParseRecommendRequest(body, {});
  EXPECT_TRUE(q.ok()) << q.status().ToString();
  return q.ok() ? q.value() : RecommendRequest{};
}

TEST(RequestJsonTest, DropsUserIdsWhenAsked) {
  RecommendRequest q = Parsed(R"({"surface": "home", "user": {"user_id": "secret-user"}})");
  EXPECT_EQ(NormalizedRequestJson(q, false).find("secret-user"), std::string::npos);
  EXPECT_NE(NormalizedRequestJson(q, true).find("secret-user"), std::string::npos);
}

TEST(RequestJsonTest, WritesEveryDefaultAndParsesBackToTheSameRequest) {
  RecommendRequest q = Parsed(R"({"surface": "pdp", "k": 5, "user": {"user_id": "u"},
      "context": {"now": "2026-11-26T10:00:00Z", "locale": "en"},
      "anchors": {"item_ids": ["x"]}, "candidates": {"exclude_ids": ["b"]},
      "constraints": {"required_tags": ["brand:nike"], "max_per_tag": {"category:shoes": 2}},
      "weights": {"cooc": 1}, "options": {"explain": "summary", "seed": 7},
      "experiment": {"id": "e", "variant": "b"}})");
  const std::string json = NormalizedRequestJson(q, true);
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(json.c_str()).HasParseError()) << json;
  EXPECT_STREQ(doc["segment"].GetString(), "default");
  EXPECT_EQ(doc["anchors"]["max_anchors"].GetInt(), 50);
  EXPECT_FALSE(doc["weights"].HasMember("pop"));  // unset weights are the config's
  EXPECT_EQ(std::string(doc["context"]["now"].GetString()).rfind("2026-11-26T10:00:00", 0), 0u);

  auto again = ParseRecommendRequest(json, {});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(NormalizedRequestJson(again.value(), true), json);  // a fixed point
}

}  // namespace
}  // namespace recsys
