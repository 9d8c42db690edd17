#include "obs/metrics.h"

#include <gtest/gtest.h>

namespace recsys::obs {
namespace {

TEST(MetricsTest, CountsByRouteAndStatusWithCumulativeBuckets) {
  Metrics m;
  RouteCounters* recommend = m.RegisterRoute("POST", "/v1/recommend");
  EXPECT_EQ(m.RegisterRoute("POST", "/v1/recommend"), recommend) << "one route, one set";
  m.ObserveRequest(recommend, 200, 100);
  m.ObserveRequest(recommend, 200, 3000);
  m.ObserveRequest(recommend, 422, 50);
  m.ObserveRequest(nullptr, 404, 2000000);
  const std::string text = m.Render({{"recsys_exposure_queue_rows", 7}});
  EXPECT_NE(text.find("recsys_http_requests_total{method=\"POST\",route=\"/v1/recommend\","
                      "status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("recsys_http_requests_total{method=\"POST\",route=\"/v1/recommend\","
                      "status=\"422\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("recsys_http_requests_total{method=\"\",route=\"unmatched\","
                      "status=\"404\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("recsys_http_request_seconds_total{method=\"POST\","
                      "route=\"/v1/recommend\"} 0.003150\n"),
            std::string::npos);
  EXPECT_NE(text.find("recsys_http_request_duration_seconds_bucket{le=\"0.00025\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("recsys_http_request_duration_seconds_bucket{le=\"0.005\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("recsys_http_request_duration_seconds_bucket{le=\"+Inf\"} 4\n"),
            std::string::npos);
  EXPECT_NE(text.find("recsys_exposure_queue_rows 7\n"), std::string::npos);
}

TEST(MetricsTest, InFlightRequestsAndOpenConnectionsAreGauges) {
  Metrics m;
  m.RequestStarted();
  m.RequestStarted();
  m.RequestFinished();
  m.ConnectionOpened();
  m.ConnectionOpened();
  m.ConnectionClosed();
  const std::string text = m.Render({});
  EXPECT_NE(text.find("recsys_http_requests_in_flight 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("recsys_http_connections_open 1\n"), std::string::npos) << text;
}

TEST(MetricsTest, LabelledGaugesShareOneTypeLineAndEscapeValues) {
  Metrics m;
  const std::string text =
      m.Render({{"recsys_snapshot_age_seconds{" + Label("tenant", "demo") + "}", 3},
                {"recsys_snapshot_age_seconds{" + Label("tenant", "we\"ird\\\n") + "}", 4},
                {"recsys_tenants", 2}});
  EXPECT_NE(text.find("# TYPE recsys_snapshot_age_seconds gauge\n"
                      "recsys_snapshot_age_seconds{tenant=\"demo\"} 3\n"
                      "recsys_snapshot_age_seconds{tenant=\"we\\\"ird\\\\\\n\"} 4\n"
                      "# TYPE recsys_tenants gauge\nrecsys_tenants 2\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace recsys::obs
