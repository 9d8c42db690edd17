#include "obs/metrics.h"

#include <gtest/gtest.h>

namespace recsys::obs {
namespace {

TEST(MetricsTest, CountsByClassWithCumulativeBuckets) {
  Metrics m;
  m.ObserveRequest(200, 100);
  m.ObserveRequest(200, 3000);
  m.ObserveRequest(404, 2000000);
  const std::string text = m.Render({{"recsys_exposure_queue_rows", 7}});
  EXPECT_NE(text.find("recsys_http_requests_total{class=\"2xx\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("recsys_http_requests_total{class=\"4xx\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("recsys_http_request_duration_seconds_bucket{le=\"0.00025\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("recsys_http_request_duration_seconds_bucket{le=\"0.005\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("recsys_http_request_duration_seconds_bucket{le=\"+Inf\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("recsys_exposure_queue_rows 7\n"), std::string::npos);
}

}  // namespace
}  // namespace recsys::obs
