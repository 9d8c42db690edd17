#include "core/request.h"

#include <gtest/gtest.h>

namespace recsys {
namespace {

RecommendRequest MustParse(const char* body, const TenantConfig& config = {}) {
  auto q = ParseRecommendRequest(body, config);
  EXPECT_TRUE(q.ok()) << q.status().message();
  return q.ok() ? q.value() : RecommendRequest{};
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

TEST(RequestTest, IdListsKeepTheFirstOfEachIdInOrder) {
  RecommendRequest q = MustParse(R"({"surface": "home", "user": {"user_id": "u1"},
      "candidates": {"exclude_ids": ["b", "a", "b", "c", "a", "d", "c"]}})");
  EXPECT_EQ(q.exclude_ids, (std::vector<std::string>{"b", "a", "c", "d"}));
  auto bad = ParseRecommendRequest(R"({"surface": "home", "user": {"user_id": "u1"},
      "candidates": {"exclude_ids": ["a", "b", 7]}})",
                                   TenantConfig{});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("candidates.exclude_ids[2]"), std::string::npos)
      << bad.status().message();
}

TEST(RequestTest, BadRequestsGetTheRightStatusAndField) {
  TenantConfig config;
  config.max_k = 50;
  config.max_exclude_ids = 3;
  const struct {
    const char* body;
    StatusCode code;
    const char* field;
  } cases[] = {
      {"not json", StatusCode::kInvalidArgument, "body"},
      {"[]", StatusCode::kInvalidArgument, "body"},
      {R"({"surface": 7, "user": {"user_id": "u"}})", StatusCode::kInvalidArgument, "surface"},
      {R"({"user": {"user_id": "u"}})", StatusCode::kUnprocessable, "surface"},
      {R"({"surface": "", "user": {"user_id": "u"}})", StatusCode::kUnprocessable, "surface"},
      {R"({"surface": "home"})", StatusCode::kUnprocessable, "user"},
      {R"({"surface": "home", "user": {"user_id": ""}})", StatusCode::kUnprocessable,
       "user.user_id"},
      {R"({"surface": "home", "user": {"user_id": 5}})", StatusCode::kInvalidArgument,
       "user.user_id"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "k": 0})", StatusCode::kUnprocessable, "k"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "k": 201})", StatusCode::kUnprocessable,
       "k"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "k": 60})", StatusCode::kUnprocessable,
       "k"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "k": "5"})", StatusCode::kInvalidArgument,
       "k"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "k": 2.5})", StatusCode::kUnprocessable,
       "k"},
      {R"({"surface": "home", "user": {"user_id": "u"},
          "candidates": {"exclude_ids": ["a", "b", "c", "d"]}})",
       StatusCode::kUnprocessable, "candidates.exclude_ids"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "candidates": {"exclude_ids": "a"}})",
       StatusCode::kInvalidArgument, "candidates.exclude_ids"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "weights": {"pop": -1}})",
       StatusCode::kUnprocessable, "weights.pop"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "options": {"explain": "all"}})",
       StatusCode::kUnprocessable, "options.explain"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "context": {"now": "today"}})",
       StatusCode::kUnprocessable, "context.now"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "anchors": {"max_anchors": 51}})",
       StatusCode::kUnprocessable, "anchors.max_anchors"},
      {R"({"surface": "home", "user": {"user_id": "u"},
          "constraints": {"max_per_tag": {"brand:x": -1}}})",
       StatusCode::kUnprocessable, "constraints.max_per_tag.brand:x"},
  };
  for (const auto& c : cases) {
    auto q = ParseRecommendRequest(c.body, config);
    ASSERT_FALSE(q.ok()) << c.body;
    EXPECT_EQ(q.status().code(), c.code) << c.body << " -> " << q.status().message();
    EXPECT_EQ(q.status().message().rfind(c.field, 0), 0u) << q.status().message();
  }
}

TEST(RequestTest, LongAndControlCharacterIdsAreRejected) {
  std::string body =
      R"({"surface": "home", "user": {"user_id": ")" + std::string(257, 'x') + "\"}}";
  EXPECT_EQ(ParseRecommendRequest(body, {}).status().code(), StatusCode::kUnprocessable);
  body = R"({"surface": "home", "user": {"user_id": "a\u0001b"}})";
  EXPECT_FALSE(ParseRecommendRequest(body, {}).ok());
}

TEST(RequestTest, SimilarNeedsAnItem) {
  auto missing = ParseSimilarRequest(R"({"surface": "pdp"})", {});
  EXPECT_EQ(missing.status().code(), StatusCode::kUnprocessable);
  EXPECT_EQ(missing.status().message().rfind("item_id", 0), 0u);
  auto q = ParseSimilarRequest(R"({"surface": "pdp", "item_id": "i1", "k": 3})", {});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q.value().item_id, "i1");
}

}  // namespace
}  // namespace recsys
