// The HTTP server in process on an ephemeral port, with a router of small test handlers, spoken
// to over real sockets.
#include "http/server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "core/uuid.h"
#include "http/problem.h"
#include "testing/http_client.h"
#include "testing/test_db.h"

namespace recsys::http {
namespace {

using recsys::testing::HttpCall;
using recsys::testing::HttpResult;
using recsys::testing::ParseJson;

// The value of header `name` in raw response headers ("" when absent); names as the server
// writes them.
std::string HeaderOf(const HttpResult& result, const std::string& name) {
  const std::string key = name + ": ";
  const size_t at = result.headers.find(key);
  if (at == std::string::npos) return "";
  const size_t end = result.headers.find("\r\n", at);
  return result.headers.substr(at + key.size(), end - at - key.size());
}

constexpr const char* kRequestId = "0190a0b1-c2d3-7e4f-8a5b-6c7d8e9f0a1b";

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("POST", "/echo/{word}", [](HttpRequest& request) {
      return Json(200, std::string(request.method) + " " + std::string(request.PathParam("word")) +
                           " " + std::string(request.query) + " " + std::string(request.body) +
                           " " + request.request_id);
    });
    router_.Add("GET", "/throw",
                [](HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
    router_.Add("GET", "/slow", [this](HttpRequest&) {
      slow_entered_ = true;
      recsys::testing::WaitFor([this] { return stop_called_.load(); }, std::chrono::seconds(5));
      return Json(200, "done");
    });
    options_.port = 0;
    options_.max_body_bytes = 64;
    options_.access_log_one_in = 0;
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  void Start() {
    server_ = std::make_unique<HttpServer>(options_, router_);
    ASSERT_TRUE(server_->Start().ok());
  }
  int port() const { return server_->port(); }

  Router router_;
  ServerOptions options_;
  std::unique_ptr<HttpServer> server_;
  std::atomic<bool> slow_entered_{false}, stop_called_{false};
};

TEST_F(ServerTest, TheRoutedHandlerAnswersWithARequestId) {
  Start();
  const HttpResult r = HttpCall(port(), "POST", "/echo/hi?x=1", {}, "body");
  ASSERT_EQ(r.status, 200);
  const std::string id = HeaderOf(r, "X-Request-Id");
  EXPECT_TRUE(IsUuid(id)) << r.headers;
  EXPECT_EQ(r.body, "POST hi x=1 body " + id);
  EXPECT_EQ(HeaderOf(r, "Server"), "recsys");
  EXPECT_EQ(HeaderOf(r, "Content-Type"), "application/json");
}

TEST_F(ServerTest, AValidCallerRequestIdIsKeptAndAnInvalidOneReplaced) {
  Start();
  constexpr const char* kGiven = "7d0c5b3e-0000-4000-8000-000000000001";
  const HttpResult kept = HttpCall(port(), "POST", "/echo/a", {{"X-Request-Id", kGiven}});
  EXPECT_EQ(HeaderOf(kept, "X-Request-Id"), kGiven);
  const HttpResult replaced = HttpCall(port(), "POST", "/echo/a", {{"X-Request-Id", "nope"}});
  const std::string id = HeaderOf(replaced, "X-Request-Id");
  EXPECT_TRUE(IsUuid(id));
  EXPECT_NE(id, "nope");
}

TEST_F(ServerTest, ABodyOverTheLimitIs413) {
  Start();
  const HttpResult r = HttpCall(port(), "POST", "/echo/a", {}, std::string(65, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(HeaderOf(r, "Content-Type"), "application/problem+json");
  EXPECT_STREQ(ParseJson(r.body)["code"].GetString(), "RECSYS_PAYLOAD_TOO_LARGE");
  EXPECT_EQ(HttpCall(port(), "POST", "/echo/a", {}, std::string(64, 'x')).status, 200);
}

TEST_F(ServerTest, AThrowingHandlerIsA500ProblemAndTheServerGoesOn) {
  Start();
  const HttpResult r = HttpCall(port(), "GET", "/throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_STREQ(ParseJson(r.body)["code"].GetString(), "RECSYS_INTERNAL");
  EXPECT_EQ(r.body.find("boom"), std::string::npos);  // the exception stays in the log
  EXPECT_EQ(HttpCall(port(), "POST", "/echo/a").status, 200);
}

TEST_F(ServerTest, AMalformedRequestIs400) {
  Start();
  const HttpResult r = recsys::testing::RawExchange(port(), {"NOT HTTP AT ALL\r\n\r\n"});
  EXPECT_EQ(r.status, 400);
  EXPECT_STREQ(ParseJson(r.body)["code"].GetString(), "RECSYS_INVALID_REQUEST");
}

TEST_F(ServerTest, ConnectionsBeyondTheLimitGet503WithRetryAfter) {
  options_.max_connections = 1;
  Start();
  const int idle = recsys::testing::ConnectTcp(port());
  ASSERT_GE(idle, 0);
  const HttpResult r = HttpCall(port(), "POST", "/echo/a");
  ::close(idle);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(HeaderOf(r, "Retry-After"), "1");
  EXPECT_STREQ(ParseJson(r.body)["code"].GetString(), "RECSYS_UNAVAILABLE");
}

TEST_F(ServerTest, AllowedOriginsGetCorsHeaders) {
  options_.cors_origins = {"https://shop.example"};
  Start();
  const HttpResult allowed =
      HttpCall(port(), "POST", "/echo/a", {{"Origin", "https://shop.example"}});
  EXPECT_EQ(HeaderOf(allowed, "Access-Control-Allow-Origin"), "https://shop.example");
  const HttpResult other =
      HttpCall(port(), "POST", "/echo/a", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(HeaderOf(other, "Access-Control-Allow-Origin"), "");
}

TEST_F(ServerTest, StartRefusesABadHostAndAnAddressInUse) {
  options_.host = "localhost-by-name";
  EXPECT_EQ(HttpServer(options_, router_).Start().code(), StatusCode::kInvalidArgument);
  options_.host = "127.0.0.1";
  Start();
  options_.port = static_cast<uint16_t>(port());
  HttpServer second(options_, router_);
  EXPECT_EQ(second.Start().code(), StatusCode::kUnavailable);
}

TEST_F(ServerTest, StopClosesIdleConnectionsAtOnceAndRefusesNewOnes) {
  options_.shutdown_grace_ms = 20000;
  Start();
  const int idle = recsys::testing::ConnectTcp(port());
  ASSERT_GE(idle, 0);
  ASSERT_EQ(HttpCall(port(), "POST", "/echo/a").status, 200);  // the idle one is accepted by now
  const int bound_port = port();
  const auto started = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  char byte;
  EXPECT_EQ(::recv(idle, &byte, 1, 0), 0);  // closed by the server, not timed out
  ::close(idle);
  EXPECT_EQ(HttpCall(bound_port, "POST", "/echo/a").status, 0);
}

TEST_F(ServerTest, StopLetsARequestInFlightFinish) {
  Start();
  HttpResult slow;
  std::thread client([&] { slow = HttpCall(port(), "GET", "/slow"); });
  ASSERT_TRUE(
      recsys::testing::WaitFor([&] { return slow_entered_.load(); }, std::chrono::seconds(5)));
  stop_called_ = true;
  server_->Stop();
  client.join();
  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ(slow.body, "done");
}

TEST_F(ServerTest, ADeferredAnswerLeavesTheIoThreadServingOthers) {
  options_.threads = 1;  // one I/O thread: a handler holding it would stall the second request
  std::atomic<bool> release{false}, entered{false};
  std::thread worker;
  router_.AddDeferred("GET", "/deferred", [&](HttpRequest& request, Responder respond) {
    entered = true;
    worker = std::thread([&release, respond, id = request.request_id] {
      recsys::testing::WaitFor([&] { return release.load(); }, std::chrono::seconds(5));
      respond(Json(200, "later " + id));
    });
  });
  Start();
  HttpResult deferred;
  std::thread client([&] {
    deferred = HttpCall(port(), "GET", "/deferred", {{"X-Request-Id", kRequestId}});
  });
  EXPECT_TRUE(recsys::testing::WaitFor([&] { return entered.load(); }, std::chrono::seconds(5)));
  // Served while the deferred request waits.
  HttpResult other = HttpCall(port(), "POST", "/echo/hi", {}, "x");
  EXPECT_EQ(other.status, 200);
  release = true;
  client.join();
  worker.join();
  EXPECT_EQ(deferred.status, 200);
  EXPECT_EQ(deferred.body, std::string("later ") + kRequestId);
  EXPECT_EQ(HeaderOf(deferred, "X-Request-Id"), kRequestId);
}

}  // namespace
}  // namespace recsys::http
