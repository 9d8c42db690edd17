// The operational endpoints through the router, with readiness and gauges the test sets.
#include "http/ops_routes.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace recsys::http {
namespace {

class OpsRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AddOpsRoutes(
        router_, [this] { return verdict_; }, [this] { return gauges_; });
  }

  HttpResponse Get(std::string_view path) {
    HttpRequest request;
    request.method = "GET";
    request.path = path;
    request.request_id = "7d0c5b3e-0000-4000-8000-000000000001";
    return router_.Dispatch(request);
  }

  service::ReadinessMonitor::Verdict verdict_{true, "", ""};
  obs::Metrics::Gauges gauges_;
  Router router_;
};

TEST_F(OpsRoutesTest, HealthzAnswersOkWhateverTheReadiness) {
  verdict_ = {false, "database", "down"};
  const HttpResponse r = Get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"ok"})");
}

TEST_F(OpsRoutesTest, ReadyzAnswersReadyWhenTheMonitorSaysSo) {
  const HttpResponse r = Get("/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"ready"})");
}

TEST_F(OpsRoutesTest, ReadyzNamesTheFailingProbeInAProblem) {
  verdict_ = {false, "database", "connection refused"};
  const HttpResponse r = Get("/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(r.Header("Retry-After"), "1");
  rapidjson::Document doc;
  doc.Parse(r.body.c_str());
  ASSERT_TRUE(doc.IsObject()) << r.body;
  EXPECT_STREQ(doc["code"].GetString(), "RECSYS_UNAVAILABLE");
  EXPECT_EQ(doc["status"].GetInt(), 503);
  EXPECT_FALSE(doc["ready"].GetBool());
  EXPECT_STREQ(doc["probe"].GetString(), "database");
  EXPECT_STREQ(doc["reason"].GetString(), "connection refused");
}

TEST_F(OpsRoutesTest, MetricsArePrometheusTextWithTheCallersGauges) {
  gauges_ = {{"recsys_ops_test_gauge", 42}};
  const HttpResponse r = Get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4");
  EXPECT_NE(r.body.find("recsys_ops_test_gauge 42"), std::string::npos) << r.body;
}

TEST_F(OpsRoutesTest, OpenApiAndLicenseAreJson) {
  const HttpResponse openapi = Get("/openapi.json");
  EXPECT_EQ(openapi.status, 200);
  rapidjson::Document doc;
  doc.Parse(openapi.body.c_str());
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["openapi"].GetString(), "3.1.0");
  const HttpResponse license = Get("/v1/license");
  EXPECT_EQ(license.status, 200);
  EXPECT_EQ(license.body, R"({"status":"valid","commercial":false})");
}

}  // namespace
}  // namespace recsys::http
