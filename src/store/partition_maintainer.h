// Keeps log partitions created ahead of time while the service runs: once a day, and again an
// hour after a failed attempt (a failure is logged; inserts still land in DEFAULT meanwhile).
// Owns its thread and its own connection; the destructor stops it.
#pragma once

#include <chrono>
#include <string>

#include "core/periodic_thread.h"

namespace recsys::store {

class PartitionMaintainer {
 public:
  PartitionMaintainer(std::string database_url, int months_ahead,
                      std::chrono::seconds period = std::chrono::hours(24),
                      std::chrono::seconds retry = std::chrono::hours(1));
  PartitionMaintainer(const PartitionMaintainer&) = delete;
  PartitionMaintainer& operator=(const PartitionMaintainer&) = delete;

  // Starts the background thread; its first run is one period from now (serve runs ensure itself
  // at start, before accepting traffic).
  void Start();

 private:
  bool RunOnce();

  std::string url_;
  int months_ahead_;
  std::chrono::seconds period_;
  std::chrono::seconds retry_;
  PeriodicThread thread_;  // last: stops before the members it uses go away
};

}  // namespace recsys::store
