#include "service/impact_preview.h"

#include <gtest/gtest.h>

namespace recsys::service {
namespace {

TEST(ParsePreviewRequestTest, AnEmptyBodyComparesTheCurrentWithItselfOverTheDefaultSample) {
  auto request = ParsePreviewRequest("{}");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_FALSE(request.value().config.has_value());
  EXPECT_FALSE(request.value().rules.has_value());
  EXPECT_EQ(request.value().sample.last, kPreviewDefaultLast);
  EXPECT_FALSE(request.value().sample.from.has_value());
}

TEST(ParsePreviewRequestTest, AnInvalidDraftConfigIsUnprocessableNamingTheField) {
  auto request = ParsePreviewRequest(R"({"config": {"ranking": {"mmr_lambda": 3}}})");
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.status().code(), StatusCode::kUnprocessable);
  EXPECT_STREQ(request.status().reason(), "RECSYS_INVALID_CONFIG");
  EXPECT_EQ(request.status().message().rfind("config.ranking.mmr_lambda", 0), 0u)
      << request.status().message();
}

TEST(ParsePreviewRequestTest, AnInvalidDraftRuleIsUnprocessableNamingTheRule) {
  auto request = ParsePreviewRequest(
      R"({"rules": [{"action": "boost", "target_type": "brand", "target_key": "acme"}]})");
  ASSERT_FALSE(request.ok());
  EXPECT_STREQ(request.status().reason(), "RECSYS_INVALID_RULES");
  EXPECT_NE(request.status().message().find("rules[0].boost_value"), std::string::npos);
}

TEST(ParsePreviewRequestTest, WrongTypesAreBadRequests) {
  EXPECT_EQ(ParsePreviewRequest(R"({"config": []})").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePreviewRequest(R"({"rules": {}})").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePreviewRequest(R"({"sample": {"last": "ten"}})").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePreviewRequest("[]").status().code(), StatusCode::kInvalidArgument);
}

TEST(ParsePreviewRequestTest, TheSampleIsValidatedAndAHugeOneCapped) {
  auto capped = ParsePreviewRequest(R"({"sample": {"last": 99999999, "surface": "home"}})");
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped.value().sample.last, kPreviewMaxLast);
  EXPECT_EQ(capped.value().requested_last, 99999999);
  EXPECT_EQ(capped.value().sample.surface, "home");
  EXPECT_EQ(ParsePreviewRequest(R"({"sample": {"last": 0}})").status().code(),
            StatusCode::kUnprocessable);
  auto range = ParsePreviewRequest(
      R"({"sample": {"from": "2026-01-02T00:00:00Z", "to": "2026-01-01T00:00:00Z"}})");
  EXPECT_EQ(range.status().code(), StatusCode::kUnprocessable);
  EXPECT_NE(range.status().message().find("sample.from"), std::string::npos);
  EXPECT_EQ(ParsePreviewRequest(R"({"sample": {"from": "yesterday"}})").status().code(),
            StatusCode::kUnprocessable);
  auto ok = ParsePreviewRequest(
      R"({"sample": {"from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z"}})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok.value().sample.to - *ok.value().sample.from, kMicrosPerDay);
}

}  // namespace
}  // namespace recsys::service
