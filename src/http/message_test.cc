#include "http/message.h"

#include <gtest/gtest.h>

namespace recsys::http {
namespace {

TEST(HttpRequestTest, HeadersAreFoundAndCountedWhateverTheirCase) {
  HttpRequest request;
  request.headers = {{"Content-Type", "application/json"}, {"x-api-key", "a"}, {"X-API-KEY", "b"}};
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_EQ(request.Header("X-Api-Key"), "a");  // the first of several
  EXPECT_EQ(request.HeaderCount("x-api-key"), 2u);
  EXPECT_EQ(request.Header("Accept"), "");
  EXPECT_EQ(request.HeaderCount("Accept"), 0u);
}

TEST(HttpRequestTest, QueryParametersArePercentDecodedAndTheFirstWins) {
  HttpRequest request;
  request.query = "a=1&before=2026-01-01T00%3A00%3A00.5%2B01%3A00&q=two+words&a=2&flag&bad=%zz";
  EXPECT_EQ(request.QueryParam("a"), "1");
  EXPECT_EQ(request.QueryParam("before"), "2026-01-01T00:00:00.5+01:00");
  EXPECT_EQ(request.QueryParam("q"), "two words");
  EXPECT_EQ(request.QueryParam("flag"), "");
  EXPECT_EQ(request.QueryParam("bad"), "%zz");  // not an escape: kept as sent
  EXPECT_EQ(request.QueryParam("missing"), "");
}

TEST(HttpRequestTest, PathParametersByName) {
  HttpRequest request;
  request.path_params = {{"tenant_id", "shop"}, {"report_id", "r1"}};
  EXPECT_EQ(request.PathParam("report_id"), "r1");
  EXPECT_EQ(request.PathParam("version"), "");
}

TEST(HttpResponseTest, HeadersAreFoundWhateverTheirCase) {
  HttpResponse response;
  response.headers = {{"ETag", "\"v1\""}};
  EXPECT_EQ(response.Header("etag"), "\"v1\"");
  EXPECT_EQ(response.Header("Retry-After"), "");
}

TEST(JsonContentTypeTest, JsonAndPlusJsonWithParametersOrNoTypeAtAll) {
  EXPECT_TRUE(IsJsonContentType("application/json"));
  EXPECT_TRUE(IsJsonContentType("Application/JSON ; charset=utf-8"));
  EXPECT_TRUE(IsJsonContentType("application/merge-patch+json"));
  EXPECT_TRUE(IsJsonContentType(""));  // curl -d without -H
  EXPECT_FALSE(IsJsonContentType("text/plain"));
  EXPECT_FALSE(IsJsonContentType("application/x-www-form-urlencoded"));
  EXPECT_FALSE(IsJsonContentType("+json"));
}

}  // namespace
}  // namespace recsys::http
