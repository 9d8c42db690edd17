#include "http/cors.h"

#include <gtest/gtest.h>

namespace recsys::http {
namespace {

HttpRequest Request(std::string_view method, std::string_view origin, bool preflight) {
  HttpRequest r;
  r.method = method;
  r.path = "/v1/recommend";
  if (!origin.empty()) r.headers.emplace_back("Origin", origin);
  if (preflight) r.headers.emplace_back("Access-Control-Request-Method", "POST");
  return r;
}

TEST(CorsTest, AllowListedOriginsGetHeadersAndPreflights) {
  CorsPolicy cors({"https://shop.example"});
  auto preflight = cors.Preflight(Request("OPTIONS", "https://shop.example", true));
  ASSERT_TRUE(preflight.has_value());
  EXPECT_EQ(preflight->status, 204);
  EXPECT_EQ(preflight->Header("Access-Control-Allow-Origin"), "https://shop.example");

  HttpResponse response;
  cors.Decorate(Request("POST", "https://shop.example", false), response);
  EXPECT_EQ(response.Header("Access-Control-Allow-Origin"), "https://shop.example");
}

TEST(CorsTest, OtherOriginsGetNothingAndPreflightsAreRefused) {
  CorsPolicy cors({"https://shop.example"});
  auto preflight = cors.Preflight(Request("OPTIONS", "https://evil.example", true));
  ASSERT_TRUE(preflight.has_value());
  EXPECT_EQ(preflight->status, 403);
  HttpResponse response;
  cors.Decorate(Request("POST", "https://evil.example", false), response);
  EXPECT_TRUE(response.headers.empty());
  EXPECT_FALSE(cors.Preflight(Request("POST", "https://shop.example", false)).has_value());
  EXPECT_FALSE(
      CorsPolicy({}).Preflight(Request("OPTIONS", "https://shop.example", true)).has_value());
}

}  // namespace
}  // namespace recsys::http
