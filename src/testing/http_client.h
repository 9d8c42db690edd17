// A minimal blocking HTTP/1.1 client for tests (one request per connection).
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace recsys::testing {

struct HttpResult {
  int status = 0;  // 0: no answer
  std::string headers;
  std::string body;
  bool timed_out = false;  // the server neither answered nor closed in time (a hang)
};

HttpResult HttpCall(int port, const std::string& method, const std::string& path,
                    const std::vector<std::pair<std::string, std::string>>& headers = {},
                    const std::string& body = "");

// Sends `pieces` on one connection, `pause` apart (a slow client), then reads one response:
// until its Content-Length is complete or the server closes. status 0: closed without an answer.
HttpResult RawExchange(int port, const std::vector<std::string>& pieces,
                       std::chrono::milliseconds pause = std::chrono::milliseconds(0),
                       int timeout_seconds = 10);

// `body` parsed as JSON; a parse error is a test failure.
rapidjson::Document ParseJson(const std::string& body);

// A connected TCP socket to 127.0.0.1:port with send/receive timeouts, or -1.
int ConnectTcp(int port, int timeout_seconds = 10);

// A free TCP port on 127.0.0.1.
int FreePort();

}  // namespace recsys::testing
