// The HTTP/1.1 server: keep-alive, a body size limit, request ids, an access-log line per request.
//
// Boost.Beast stays inside server.cc. Handlers run on the server's I/O threads and must not block
// for long; a handler that throws gets a 500 problem (the exception never leaves the thread).
// Start() binds and returns. Stop() drains: it closes the listener and idle connections at once,
// lets requests in flight finish (answered with `Connection: close`) for up to
// options.shutdown_grace_ms, then closes what is left and joins the threads.
// Start and Stop are called from one controlling thread; the router must outlive the server.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "http/router.h"

namespace recsys::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;
  int threads = 2;
  size_t max_body_bytes = 1 << 20;  // larger bodies get 413
  int request_timeout_ms = 30000;   // a request must arrive within this; idle connections close
  int max_connections = 4096;       // connections beyond this get a 503 and are closed
  std::vector<std::string> cors_origins;  // see CorsPolicy; empty: CORS off
  int shutdown_grace_ms = 10000;          // Stop() waits this long for requests in flight
  // The access log: one line per request (1), one in N, or none (0). Answers >= 500 are always
  // logged.
  int access_log_one_in = 1;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, const Router& router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving. kInvalidArgument when options.host is not an IP address;
  // kUnavailable when the address cannot be bound (in use, no permission).
  Status Start();
  void Stop();
  // The bound port (useful when options.port was 0). REQUIRES: Start() succeeded.
  uint16_t port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace recsys::http
