#include "http/router.h"

#include <gtest/gtest.h>

#include <future>
#include <optional>
#include <thread>

#include "http/problem.h"

namespace recsys::http {
namespace {

HttpRequest Req(std::string_view method, std::string_view path) {
  HttpRequest r;
  r.method = method;
  r.path = path;
  r.request_id = "123e4567-e89b-12d3-a456-426614174000";
  return r;
}

TEST(RouterTest, MatchesLiteralAndParameterSegments) {
  Router router;
  router.Add("GET", "/healthz", [](HttpRequest&) { return Json(200, "ok"); });
  router.Add("GET", "/v1/admin/tenants/{tenant_id}/config",
             [](HttpRequest& r) { return Json(200, std::string(r.PathParam("tenant_id"))); });
  auto health = Req("GET", "/healthz");
  EXPECT_EQ(router.Dispatch(health).body, "ok");
  auto config = Req("GET", "/v1/admin/tenants/demo/config");
  EXPECT_EQ(router.Dispatch(config).body, "demo");
}

TEST(RouterTest, UnknownPathIs404Problem) {
  Router router;
  router.Add("GET", "/healthz", [](HttpRequest&) { return Json(200, "ok"); });
  auto r = Req("GET", "/nope");
  HttpResponse response = router.Dispatch(r);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/problem+json");
  EXPECT_NE(response.body.find("\"code\":\"RECSYS_NOT_FOUND\""), std::string::npos);
  EXPECT_NE(response.body.find(r.request_id), std::string::npos);
}

TEST(RouterTest, WrongMethodIs405WithAllow) {
  Router router;
  router.Add("POST", "/v1/recommend", [](HttpRequest&) { return Json(200, "{}"); });
  auto r = Req("GET", "/v1/recommend");
  HttpResponse response = router.Dispatch(r);
  EXPECT_EQ(response.status, 405);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].second, "POST");
}

TEST(RouterTest, EmptyParameterDoesNotMatch) {
  Router router;
  router.Add("GET", "/t/{id}/x", [](HttpRequest&) { return Json(200, "hit"); });
  auto r = Req("GET", "/t//x");
  EXPECT_EQ(router.Dispatch(r).status, 404);
}

TEST(RouterTest, ADeferredRouteAnswersLaterThroughItsResponder) {
  Router router;
  std::thread worker;
  router.AddDeferred("POST", "/v1/admin/tenants/{tenant_id}/preview",
                     [&worker](HttpRequest& r, Responder respond) {
                       std::string tenant(r.PathParam("tenant_id"));
                       worker = std::thread([respond, tenant] { respond(Json(200, tenant)); });
                     });
  auto request = Req("POST", "/v1/admin/tenants/demo/preview");
  std::promise<HttpResponse> answer;
  bool made = false;
  std::optional<HttpResponse> now = router.Dispatch(request, [&]() -> Responder {
    made = true;
    return [&answer](HttpResponse response) { answer.set_value(std::move(response)); };
  });
  EXPECT_FALSE(now.has_value());
  EXPECT_TRUE(made);
  EXPECT_EQ(answer.get_future().get().body, "demo");
  worker.join();
}

TEST(RouterTest, APlainRouteAnswersAtOnceWithoutAResponder) {
  Router router;
  router.Add("GET", "/healthz", [](HttpRequest&) { return Json(200, "ok"); });
  auto request = Req("GET", "/healthz");
  bool made = false;
  std::optional<HttpResponse> now = router.Dispatch(request, [&]() -> Responder {
    made = true;
    return [](HttpResponse) {};
  });
  ASSERT_TRUE(now.has_value());
  EXPECT_EQ(now->body, "ok");
  EXPECT_FALSE(made);
}

}  // namespace
}  // namespace recsys::http
