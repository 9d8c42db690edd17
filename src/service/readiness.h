// Tracks whether this instance is ready to serve, off the request path.
//
// A background thread runs every probe once per interval (every 50 ms while not ready, so that
// the instance turns ready as soon as its last part does) and keeps the latest verdict; /readyz
// reads it without touching the database. A probe returns OK, or a Status whose message is the
// reason reported to the caller. Current() is thread-safe. The thread stops in the destructor.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/periodic_thread.h"
#include "core/status.h"

namespace recsys::service {

class ReadinessMonitor {
 public:
  struct Probe {
    std::string name;  // "database", "schema", ...
    std::function<Status()> check;
  };
  struct Verdict {
    bool ready = false;
    std::string failed_probe;  // empty when ready
    std::string reason;        // empty when ready
  };

  ReadinessMonitor(std::vector<Probe> probes, std::chrono::milliseconds interval);
  ReadinessMonitor(const ReadinessMonitor&) = delete;
  ReadinessMonitor& operator=(const ReadinessMonitor&) = delete;

  // Runs the probes once synchronously, then keeps running them in the background.
  void Start();
  Verdict Current() const;

 private:
  void RunProbes();

  std::vector<Probe> probes_;
  std::chrono::milliseconds interval_;
  mutable std::mutex mu_;
  Verdict verdict_;
  PeriodicThread thread_;  // last: stops before the members it uses go away
};

}  // namespace recsys::service
