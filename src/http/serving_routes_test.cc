// /v1/recommend, /v1/recommend/validate and /v1/similar through the router, with the real use
// case on an in-memory state and an authenticator that answers what the test says.
#include "http/serving_routes.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "http/router.h"

namespace recsys::http {
namespace {

class FixedAuthenticator : public Authenticator {
 public:
  Result<Caller> Authenticate(const HttpRequest&) const override { return answer; }
  Result<Caller> answer = Caller{"tester", "user", "shop", {"admin"}};
};

class RecordingSink : public service::ExposureSink {
 public:
  void Record(const service::Exposure& e) override { request_ids.push_back(e.request_id); }
  std::vector<std::string> request_ids;
};

class ServingRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tenant = std::make_shared<service::TenantState>();
    tenant->id = "00000000-0000-4000-8000-000000000001";
    tenant->external_id = "shop";
    SnapshotBuilder builder(DayOf(NowUs()), 30);
    for (const char* id : {"a", "b", "c"}) builder.AddPopularity(id, DayOf(NowUs()), 1 + id[0]);
    tenant->snapshots["default"] = builder.Build();
    auto state = std::make_shared<service::ServingState>();
    state->tenants["shop"] = tenant;
    holder_.Publish(state);
    AddServingRoutes(router_, auth_, service_);
  }

  HttpResponse Post(std::string_view path, std::string_view body,
                    std::string_view content_type = "application/json") {
    HttpRequest request;
    request.method = "POST";
    request.path = path;
    request.body = body;
    request.request_id = "7d0c5b3e-0000-4000-8000-000000000001";
    request.headers.emplace_back("Content-Type", content_type);
    return router_.Dispatch(request);
  }
  static rapidjson::Document Json(const HttpResponse& r) {
    rapidjson::Document doc;
    doc.Parse(r.body.c_str());
    return doc;
  }

  service::StateHolder holder_;
  RecordingSink sink_;
  service::RecommendService service_{holder_, &sink_, {"secret-0123456789", "salt", 0}};
  FixedAuthenticator auth_;
  Router router_;
};

constexpr const char* kBody = R"({"surface": "home", "k": 2, "user": {"user_id": "u"}})";

TEST_F(ServingRoutesTest, RecommendAnswersItemsAndMetaAndRecordsTheExposure) {
  const HttpResponse r = Post("/v1/recommend", kBody);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = Json(r);
  ASSERT_EQ(doc["items"].Size(), 2u);
  EXPECT_STREQ(doc["items"][0]["item_id"].GetString(), "c");
  EXPECT_STREQ(doc["meta"]["tenant_id"].GetString(), "shop");
  EXPECT_STREQ(doc["meta"]["request_id"].GetString(), "7d0c5b3e-0000-4000-8000-000000000001");
  EXPECT_EQ(sink_.request_ids, std::vector<std::string>{"7d0c5b3e-0000-4000-8000-000000000001"});
}

TEST_F(ServingRoutesTest, ValidateEchoesTheNormalizedRequestAndRecordsNothing) {
  const HttpResponse r = Post("/v1/recommend/validate", kBody);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = Json(r);
  EXPECT_EQ(doc["normalized_request"]["k"].GetInt(), 2);
  EXPECT_FALSE(doc.HasMember("items"));
  EXPECT_TRUE(sink_.request_ids.empty());
}

TEST_F(ServingRoutesTest, EveryRefusalIsAProblemWithItsStatus) {
  EXPECT_EQ(Post("/v1/recommend", kBody, "text/plain").status, 400);
  EXPECT_EQ(Post("/v1/recommend", "{").status, 400);
  EXPECT_EQ(Post("/v1/similar", kBody).status, 422);  // no item_id
  auth_.answer = Status::Unauthenticated("missing or invalid credentials");
  const HttpResponse unauthenticated = Post("/v1/recommend", kBody);
  EXPECT_EQ(unauthenticated.status, 401);
  EXPECT_EQ(unauthenticated.content_type, "application/problem+json");
  auth_.answer = Caller{"key:1", "api_key", "other-shop", {"admin"}};
  EXPECT_EQ(Post("/v1/recommend", kBody).status, 403);  // a tenant with no state here
  EXPECT_TRUE(sink_.request_ids.empty());
}

}  // namespace
}  // namespace recsys::http
