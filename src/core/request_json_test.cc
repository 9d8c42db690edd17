#include "core/request_json.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace recsys {
namespace {

RecommendRequest Parsed(const std::string& body) {
  auto q = ParseRecommendRequest(body, {});
  EXPECT_TRUE(q.ok()) << q.status().ToString();
  return q.ok() ? q.value() : RecommendRequest{};
}

constexpr const char* kEverything = R"({"surface": "pdp", "k": 5, "user": {"user_id": "u"},
    "context": {"now": "2026-11-26T10:00:00Z", "locale": "en"},
    "anchors": {"item_ids": ["x"]}, "candidates": {"exclude_ids": ["b"]},
    "constraints": {"required_tags": ["brand:nike"], "max_per_tag": {"category:shoes": 2}},
    "weights": {"cooc": 1}, "options": {"explain": "summary", "seed": 7},
    "experiment": {"id": "e", "variant": "b"}})";

TEST(RequestJsonTest, OnlyTheValidateFormHasUserIds) {
  RecommendRequest q = Parsed(R"({"surface": "home", "user": {"user_id": "secret-user"}})");
  EXPECT_NE(NormalizedRequestJson(q).find("secret-user"), std::string::npos);
  EXPECT_EQ(ExposureRequestJson(q).find("secret-user"), std::string::npos);
}

TEST(RequestJsonTest, WritesEveryDefaultAndParsesBackToTheSameRequest) {
  RecommendRequest q = Parsed(kEverything);
  const std::string json = NormalizedRequestJson(q);
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(json.c_str()).HasParseError()) << json;
  EXPECT_STREQ(doc["segment"].GetString(), "default");
  EXPECT_EQ(doc["anchors"]["max_anchors"].GetInt(), 50);
  EXPECT_FALSE(doc["weights"].HasMember("pop"));  // unset weights are the config's
  EXPECT_EQ(std::string(doc["context"]["now"].GetString()).rfind("2026-11-26T10:00:00", 0), 0u);

  auto again = ParseRecommendRequest(json, {});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(NormalizedRequestJson(again.value()), json);  // a fixed point
}

TEST(RequestJsonTest, TheExposureFormLeavesOutDefaultsAndMeansTheSameRequest) {
  EXPECT_EQ(ExposureRequestJson(Parsed(R"({"surface": "home", "user": {"user_id": "u"}})")),
            R"({"surface":"home","segment":"default","k":20})");

  // Every non-default survives: the compact form, with a user put back, parses to the request.
  RecommendRequest q = Parsed(kEverything);
  std::string compact = ExposureRequestJson(q);
  EXPECT_LT(compact.size(), NormalizedRequestJson(q).size());
  compact.insert(1, R"("user": {"user_id": "u"},)");
  EXPECT_EQ(NormalizedRequestJson(Parsed(compact)), NormalizedRequestJson(q));
}

}  // namespace
}  // namespace recsys
