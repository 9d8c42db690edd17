#include "http/problem.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

namespace recsys::http {
namespace {

HttpRequest At(std::string_view path) {
  HttpRequest request;
  request.path = path;
  request.request_id = "4b1c7a8e-0000-4000-8000-000000000001";
  return request;
}

TEST(ProblemTest, EachStatusCodeHasOneStatusAndOneStableCode) {
  const struct {
    Status status;
    int http;
    const char* code;
  } cases[] = {
      {Status::InvalidArgument("x: must be a string"), 400, "RECSYS_INVALID_REQUEST"},
      {Status::Unauthenticated("missing"), 401, "RECSYS_UNAUTHORIZED"},
      {Status::PermissionDenied("no"), 403, "RECSYS_FORBIDDEN"},
      {Status::NotFound("none"), 404, "RECSYS_NOT_FOUND"},
      {Status::Conflict("stale"), 409, "RECSYS_VERSION_MISMATCH"},
      {Status::Unprocessable("k: 0"), 422, "RECSYS_UNPROCESSABLE_ENTITY"},
      {Status::ResourceExhausted("body too large"), 413, "RECSYS_PAYLOAD_TOO_LARGE"},
      {Status::RateLimited("slow down", 3), 429, "RECSYS_RATE_LIMITED"},
      {Status::Unavailable("database"), 503, "RECSYS_UNAVAILABLE"},
      {Status::Unavailable("full").WithRetryAfter(1), 503, "RECSYS_UNAVAILABLE"},
      {Status::Internal("bug"), 500, "RECSYS_INTERNAL"},
      {Status::FailedPrecondition("odd"), 500, "RECSYS_INTERNAL"},
      {Status::Unprocessable("rules[0]: bad").WithReason("RECSYS_INVALID_RULES"), 422,
       "RECSYS_INVALID_RULES"},
  };
  for (const auto& c : cases) {
    const HttpResponse r = StatusProblem(c.status, At("/v1/recommend"));
    EXPECT_EQ(r.status, c.http) << c.status.ToString();
    EXPECT_EQ(r.content_type, "application/problem+json");
    rapidjson::Document doc;
    ASSERT_FALSE(doc.Parse(r.body.c_str()).HasParseError()) << r.body;
    EXPECT_STREQ(doc["code"].GetString(), c.code);
    EXPECT_EQ(doc["status"].GetInt(), c.http);
    EXPECT_EQ(doc["detail"].GetString(), c.status.message());
    EXPECT_STREQ(doc["instance"].GetString(), "/v1/recommend");
    EXPECT_STREQ(doc["request_id"].GetString(), "4b1c7a8e-0000-4000-8000-000000000001");
    EXPECT_EQ(r.Header("Retry-After"),
              c.status.retry_after_s() > 0 ? std::to_string(c.status.retry_after_s()) : "");
  }
}

TEST(ProblemTest, AHugePathIsNotEchoedWhole) {
  const std::string path(5000, 'a');
  const HttpResponse r = StatusProblem(Status::NotFound("no route"), At(path));
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(r.body.c_str()).HasParseError());
  EXPECT_EQ(doc["instance"].GetStringLength(), 256u);
}

}  // namespace
}  // namespace recsys::http
