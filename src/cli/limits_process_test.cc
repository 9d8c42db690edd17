// Abuse limits end to end: per-tenant request and event rate limits, connection cap, request
// timeout, CORS.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "store/pg.h"
#include "testing/serve_process.h"
#include "testing/served_demo_suite.h"
#include "testing/test_db.h"

namespace recsys {
namespace {

using namespace std::chrono_literals;
using testing::HttpCall;
using testing::HttpResult;
using testing::ServeProcess;

const std::vector<std::pair<std::string, std::string>> kDemo = {
    {"X-Dev-User-Id", "u"}, {"X-Dev-Org-Id", "demo"}, {"Content-Type", "application/json"}};
const std::string kBody = R"({"surface": "home", "k": 2, "user": {"user_id": "u"}})";

// Each test starts its own serve, with the limits it is about.
class LimitsTest : public testing::ServedDemoSuite {
 protected:
  static void SetUpTestSuite() { SeedSuite("limits"); }
};

TEST_F(LimitsTest, TenantRateLimitAnswers429WithRetryAfter) {
  ServeProcess serve(db_->url());
  HttpResult put = HttpCall(serve.port(), "PUT", "/v1/admin/tenants/demo/config", kDemo,
                            R"({"limits": {"rate_limit_rps": 0.5, "rate_limit_burst": 3}})");
  ASSERT_EQ(put.status, 200) << put.body;
  // The new config goes live within a second; from then on 3 requests pass, the 4th is refused.
  HttpResult last;
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        last = HttpCall(serve.port(), "POST", "/v1/recommend", kDemo, kBody);
        return last.status == 429;
      },
      5s));
  EXPECT_NE(last.body.find("RECSYS_RATE_LIMITED"), std::string::npos);
  EXPECT_NE(last.headers.find("Retry-After: "), std::string::npos) << last.headers;
  // Within the window, later requests are refused too: at 0.5/s no token is back yet.
  EXPECT_EQ(HttpCall(serve.port(), "POST", "/v1/recommend", kDemo, kBody).status, 429);
}

// `count` events with distinct ids from `first` on.
std::string EventBatch(int first, int count) {
  std::string events;
  for (int i = first; i < first + count; ++i) {
    events += std::string(events.empty() ? "" : ",") + R"({"event_id": "limit-)" +
              std::to_string(i) +
              R"(", "occurred_at": "2026-11-01T10:00:00Z", "user_id": "u", "event_type": "view",
                 "item_id": "sku-1"})";
  }
  return R"({"events": [)" + events + "]}";
}

TEST_F(LimitsTest, EventsBeyondTheTenantsRateAnswer429WithRetryAfter) {
  ServeProcess serve(db_->url(), {{"RECSYS_EVENTS_RATE", "10"}, {"RECSYS_EVENTS_BURST", "1500"}});
  HttpResult first = serve.Post("/v1/events", EventBatch(0, 1000));
  ASSERT_EQ(first.status, 202) << first.body;
  // 500 tokens left: a batch of 600 is refused whole, counted in events, not requests.
  HttpResult refused = serve.Post("/v1/events", EventBatch(1000, 600));
  ASSERT_EQ(refused.status, 429) << refused.body;
  EXPECT_NE(refused.headers.find("application/problem+json"), std::string::npos);
  EXPECT_NE(refused.body.find("RECSYS_RATE_LIMITED"), std::string::npos);
  EXPECT_NE(refused.headers.find("Retry-After: "), std::string::npos) << refused.headers;  // ~10 s
  EXPECT_EQ(serve.Post("/v1/events", EventBatch(1000, 400)).status, 202);
  const std::string metrics = testing::HttpCall(serve.port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("recsys_events_rate_limited_total 600"), std::string::npos);
}

TEST_F(LimitsTest, ConnectionsBeyondTheCapGet503) {
  ServeProcess serve(db_->url(), {{"RECSYS_MAX_CONNECTIONS", "2"}});
  int a = testing::ConnectTcp(serve.port());
  int b = testing::ConnectTcp(serve.port());
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  HttpResult third;  // 503 once the server has accepted both
  EXPECT_TRUE(testing::WaitFor(
      [&] { return (third = HttpCall(serve.port(), "GET", "/healthz")).status == 503; }, 5s));
  EXPECT_NE(third.headers.find("Retry-After"), std::string::npos);
  close(a);
  close(b);
  EXPECT_TRUE(testing::WaitFor(
      [&] { return HttpCall(serve.port(), "GET", "/healthz").status == 200; }, 5s));
}

TEST_F(LimitsTest, SlowRequestsAreCutAfterTheTimeout) {
  ServeProcess serve(db_->url(), {{"RECSYS_REQUEST_TIMEOUT_MS", "300"}});
  int fd = testing::ConnectTcp(serve.port());
  ASSERT_GE(fd, 0);
  const std::string partial = "POST /v1/recommend HTTP/1.1\r\nHost: x\r\n";  // never finished
  ASSERT_EQ(write(fd, partial.data(), partial.size()), static_cast<ssize_t>(partial.size()));
  const auto started = std::chrono::steady_clock::now();
  char buf[256];
  const ssize_t n = read(fd, buf, sizeof buf);  // 0: the server closed it
  EXPECT_LE(n, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  close(fd);
  EXPECT_EQ(HttpCall(serve.port(), "GET", "/healthz").status, 200);
}

TEST_F(LimitsTest, CorsAllowsOnlyListedOrigins) {
  ServeProcess serve(db_->url(), {{"RECSYS_CORS_ORIGINS", "https://shop.example"}});
  HttpResult preflight =
      HttpCall(serve.port(), "OPTIONS", "/v1/recommend",
               {{"Origin", "https://shop.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_NE(preflight.headers.find("Access-Control-Allow-Origin: https://shop.example"),
            std::string::npos);
  auto with_origin = kDemo;
  with_origin.emplace_back("Origin", "https://shop.example");
  HttpResult allowed = HttpCall(serve.port(), "POST", "/v1/recommend", with_origin, kBody);
  EXPECT_EQ(allowed.status, 200);
  EXPECT_NE(allowed.headers.find("Access-Control-Allow-Origin: https://shop.example"),
            std::string::npos);
  with_origin.back().second = "https://evil.example";
  HttpResult other = HttpCall(serve.port(), "POST", "/v1/recommend", with_origin, kBody);
  EXPECT_EQ(other.headers.find("Access-Control-Allow-Origin"), std::string::npos);
  EXPECT_EQ(
      HttpCall(serve.port(), "OPTIONS", "/v1/recommend",
               {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}})
          .status,
      403);
}

}  // namespace
}  // namespace recsys
