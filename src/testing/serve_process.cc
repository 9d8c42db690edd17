#include "testing/serve_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace recsys::testing {

ServeProcess::ServeProcess(const std::string& database_url, std::map<std::string, std::string> env,
                           bool wait_ready, const std::string& stderr_path)
    : port_(FreePort()) {
  env["DATABASE_URL"] = database_url;
  env["RECSYS_HTTP_ADDR"] = "127.0.0.1:" + std::to_string(port_);
  env.emplace("RECSYS_DEV_AUTH_ENABLED", "true");
  env.emplace("RECSYS_REFRESH_INTERVAL_MS", "200");
  env.emplace("RECSYS_READINESS_INTERVAL_MS", "100");
  env.emplace("RECSYS_LOG_LEVEL", "warn");
  env.emplace("RECSYS_USER_KEY_SECRET", "test-secret-0123456789");
  env.emplace("RECSYS_SPILL_DIR", "/tmp/recsys-serve-spill-" + std::to_string(getpid()));
  env.emplace("RECSYS_WARM_START_DIR", "/tmp/recsys-serve-warm-" + std::to_string(getpid()));
  pid_ = fork();
  if (pid_ == 0) {
    for (const auto& [k, v] : env) {
      if (v.empty()) {
        unsetenv(k.c_str());
      } else {
        setenv(k.c_str(), v.c_str(), 1);
      }
    }
    if (!stderr_path.empty()) {
      const int fd = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd < 0 || dup2(fd, 2) < 0) _exit(126);
    }
    execl(RECSYS_BINARY, RECSYS_BINARY, "serve", static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; wait_ready && i < 300 && HttpCall(port_, "GET", "/readyz").status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0) Terminate();
}

int ServeProcess::Terminate() {
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void ServeProcess::Signal(int sig) { kill(pid_, sig); }

HttpResult ServeProcess::Post(const std::string& path, const std::string& body,
                              std::vector<std::pair<std::string, std::string>> headers) {
  return HttpCall(port_, "POST", path, headers, body);
}

}  // namespace recsys::testing
