#include "core/request.h"

#include <gtest/gtest.h>

namespace recsys {
namespace {

RecommendRequest MustParse(const char* body, const TenantConfig& config = {}) {
  RequestError error;
  auto q = ParseRecommendRequest(body, config, &error);
  EXPECT_TRUE(q.has_value()) << error.detail;
  return q.value_or(RecommendRequest{});
}

TEST(RequestTest, FillsDefaultsWithWarnings) {
  RecommendRequest q = MustParse(R"({"surface": "home", "user": {"user_id": "u1"}})");
  EXPECT_EQ(q.segment, "default");
  EXPECT_EQ(q.k, 20);
  EXPECT_EQ(q.max_anchors, 50);
  ASSERT_EQ(q.warnings.size(), 2u);
  EXPECT_EQ(q.warnings[0].code, "DEFAULT_APPLIED");
}

TEST(RequestTest, ReadsEveryField) {
  RecommendRequest q = MustParse(R"({"surface": "pdp", "segment": "vip", "k": 5,
      "user": {"anonymous_id": "a1", "session_id": "s1"},
      "context": {"now": "2026-11-26T10:00:00Z", "locale": "en"},
      "anchors": {"item_ids": ["x", "y", "x", "z"], "max_anchors": 2},
      "candidates": {"include_ids": ["a"], "exclude_ids": ["b", "b"]},
      "constraints": {"required_tags": [" Brand:Nike "], "forbidden_tags": ["x"],
                      "max_per_tag": {"Category:Shoes": 2}},
      "weights": {"pop": 0.5, "cooc": 1}, "options": {"explain": "full", "include_reasons": true,
      "include_trace": true, "seed": 42}, "experiment": {"id": "e", "variant": "b"},
      "unknown_field": {"ignored": true}})");
  EXPECT_EQ(q.k, 5);
  EXPECT_EQ(q.anchor_ids, (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(q.has_include);
  EXPECT_EQ(q.exclude_ids.size(), 1u);
  EXPECT_EQ(q.required_tags[0], "brand:nike");
  EXPECT_EQ(q.max_per_tag[0].first, "category:shoes");
  EXPECT_EQ(*q.weights.pop, 0.5);
  EXPECT_EQ(q.explain, ExplainLevel::kFull);
  EXPECT_EQ(*q.seed, 42);
  EXPECT_EQ(PrimaryUserKey(q), "a1");
  EXPECT_TRUE(q.warnings.empty());
}

TEST(RequestTest, BadRequestsGetTheRightStatusAndField) {
  TenantConfig config;
  config.max_k = 50;
  config.max_exclude_ids = 3;
  const struct {
    const char* body;
    int status;
    const char* field;
  } cases[] = {
      {"not json", 400, "body"},
      {"[]", 400, "body"},
      {R"({"surface": 7, "user": {"user_id": "u"}})", 400, "surface"},
      {R"({"user": {"user_id": "u"}})", 422, "surface"},
      {R"({"surface": "", "user": {"user_id": "u"}})", 422, "surface"},
      {R"({"surface": "home"})", 422, "user"},
      {R"({"surface": "home", "user": {"user_id": ""}})", 422, "user.user_id"},
      {R"({"surface": "home", "user": {"user_id": 5}})", 400, "user.user_id"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "k": 0})", 422, "k"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "k": 201})", 422, "k"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "k": 60})", 422, "k"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "k": "5"})", 400, "k"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "k": 2.5})", 422, "k"},
      {R"({"surface": "home", "user": {"user_id": "u"},
          "candidates": {"exclude_ids": ["a", "b", "c", "d"]}})",
       422, "candidates.exclude_ids"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "candidates": {"exclude_ids": "a"}})", 400,
       "candidates.exclude_ids"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "weights": {"pop": -1}})", 422,
       "weights.pop"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "options": {"explain": "all"}})", 422,
       "options.explain"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "context": {"now": "today"}})", 422,
       "context.now"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "anchors": {"max_anchors": 51}})", 422,
       "anchors.max_anchors"},
      {R"({"surface": "home", "user": {"user_id": "u"},
          "constraints": {"max_per_tag": {"brand:x": -1}}})",
       422, "constraints.max_per_tag.brand:x"},
  };
  for (const auto& c : cases) {
    RequestError error;
    auto q = ParseRecommendRequest(c.body, config, &error);
    ASSERT_FALSE(q.has_value()) << c.body;
    EXPECT_EQ(error.status, c.status) << c.body << " -> " << error.detail;
    EXPECT_EQ(error.detail.rfind(c.field, 0), 0u) << error.detail;
  }
}

TEST(RequestTest, LongAndControlCharacterIdsAreRejected) {
  RequestError error;
  std::string body =
      R"({"surface": "home", "user": {"user_id": ")" + std::string(257, 'x') + "\"}}";
  EXPECT_FALSE(ParseRecommendRequest(body, {}, &error).has_value());
  EXPECT_EQ(error.status, 422);
  body = R"({"surface": "home", "user": {"user_id": "a\u0001b"}})";
  EXPECT_FALSE(ParseRecommendRequest(body, {}, &error).has_value());
}

TEST(RequestTest, SimilarNeedsAnItem) {
  RequestError error;
  EXPECT_FALSE(ParseSimilarRequest(R"({"surface": "pdp"})", {}, &error).has_value());
  EXPECT_EQ(error.status, 422);
  EXPECT_EQ(error.detail.rfind("item_id", 0), 0u);
  auto q = ParseSimilarRequest(R"({"surface": "pdp", "item_id": "i1", "k": 3})", {}, &error);
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->item_id, "i1");
}

TEST(RequestTest, NormalizedJsonDropsUserIdsWhenAsked) {
  RecommendRequest q = MustParse(R"({"surface": "home", "user": {"user_id": "secret-user"}})");
  EXPECT_EQ(NormalizedRequestJson(q, false).find("secret-user"), std::string::npos);
  EXPECT_NE(NormalizedRequestJson(q, true).find("secret-user"), std::string::npos);
}

}  // namespace
}  // namespace recsys
