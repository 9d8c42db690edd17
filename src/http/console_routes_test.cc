// The console's static files through the router: what is served, with which headers.
#include "http/console_routes.h"

#include <gtest/gtest.h>

#include "http/console_assets.h"

namespace recsys::http {
namespace {

class ConsoleRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override { AddConsoleRoutes(router_); }

  HttpResponse Get(std::string_view path) {
    HttpRequest request;
    request.method = "GET";
    request.path = path;
    request.request_id = "7d0c5b3e-0000-4000-8000-000000000001";
    return router_.Dispatch(request);
  }

  Router router_;
};

TEST_F(ConsoleRoutesTest, AdminRedirectsToTheFolder) {
  const HttpResponse r = Get("/admin");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.Header("Location"), "/admin/");
}

TEST_F(ConsoleRoutesTest, TheFolderServesTheIndexUnderTheStrictPolicy) {
  const HttpResponse r = Get("/admin/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type.rfind("text/html", 0), 0u) << r.content_type;
  EXPECT_NE(r.body.find("<html"), std::string::npos);
  EXPECT_EQ(r.Header("Content-Security-Policy"), kConsoleContentSecurityPolicy);
  EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.Header("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(r.Header("Cache-Control"), "no-cache");
}

TEST_F(ConsoleRoutesTest, EveryEmbeddedFileIsServedByName) {
  ASSERT_GT(kConsoleAssetCount, 1);
  for (int i = 0; i < kConsoleAssetCount; ++i) {
    const ConsoleAsset& asset = kConsoleAssets[i];
    const HttpResponse r = Get(std::string("/admin/") + asset.name);
    EXPECT_EQ(r.status, 200) << asset.name;
    EXPECT_EQ(r.content_type, asset.content_type);
    EXPECT_EQ(r.body, asset.body);
    EXPECT_EQ(r.Header("Content-Security-Policy"), kConsoleContentSecurityPolicy);
  }
}

TEST_F(ConsoleRoutesTest, AnUnknownFileIsANotFoundProblem) {
  const HttpResponse r = Get("/admin/missing.js");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_NE(r.body.find("RECSYS_NOT_FOUND"), std::string::npos);
  EXPECT_EQ(r.Header("Content-Security-Policy"), "");
}

TEST_F(ConsoleRoutesTest, ThePolicyAllowsNoInlineScriptNorFraming) {
  const std::string policy = kConsoleContentSecurityPolicy;
  EXPECT_NE(policy.find("script-src 'self';"), std::string::npos);
  EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(policy.find("script-src 'self' 'unsafe-inline'"), std::string::npos);
}

}  // namespace
}  // namespace recsys::http
