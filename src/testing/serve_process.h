// `recsys-service serve` as a child process for end-to-end tests: fast refresh and readiness
// intervals, dev auth on, a free port. The destructor sends SIGTERM and reaps it.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "testing/http_client.h"

namespace recsys::testing {

class ServeProcess {
 public:
  // Starts serve against `database_url`; `env` overrides or adds variables (an empty value
  // unsets one, e.g. RECSYS_USER_KEY_SECRET, set by default). When
  // `wait_ready`, returns once /readyz answers 200 (or after 15 s). With `stderr_path`, the
  // process's stderr (its log) goes to that file.
  explicit ServeProcess(const std::string& database_url,
                        std::map<std::string, std::string> env = {}, bool wait_ready = true,
                        const std::string& stderr_path = "");
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // SIGTERM, then waits; returns the exit code (-1 when killed by a signal).
  int Terminate();
  void Signal(int sig);
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // A request with dev headers for tenant `demo` unless `headers` are given.
  HttpResult Post(const std::string& path, const std::string& body,
                  std::vector<std::pair<std::string, std::string>> headers = {
                      {"X-Dev-User-Id", "tester"},
                      {"X-Dev-Org-Id", "demo"},
                      {"Content-Type", "application/json"}});

 private:
  int port_;
  pid_t pid_ = -1;
};

}  // namespace recsys::testing
