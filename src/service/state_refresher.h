// Keeps the published ServingState fresh: a background thread reloads tenants, config and rules
// every period and when asked to, and signals when the database reports signal writes (or the
// day changed), or when asked to. A failed load keeps the previous state, is logged, and is retried
// next period; the database going away never stops serving. The thread stops in the destructor.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/periodic_thread.h"
#include "core/status.h"
#include "service/serving_state.h"

namespace recsys::service {

class StateRefresher {
 public:
  // Loads a new state; `previous`'s snapshots may be reused except for the tenants `reload`
  // covers.
  using LoadFn = std::function<Result<std::shared_ptr<const ServingState>>(
      const ServingState* previous, const SignalReload& reload)>;
  // A value that changes when signals were written.
  using MarkerFn = std::function<Result<std::string>()>;

  StateRefresher(StateHolder& holder, LoadFn load, MarkerFn marker,
                 std::chrono::milliseconds period);

  // Loads once synchronously (so serving starts with signals when the database is up), then
  // refreshes in the background, beginning at once with the signals of the tenants the first
  // load took from a warm start. Returns the first load's status.
  Status Start();
  // Reloads tenants, config, rules and catalog availability now; with `signals`, every signal
  // snapshot too. Thread-safe.
  void RequestReload(bool signals);
  // Reloads the control state now, then publishes it, then reloads `tenant`'s signal snapshots
  // (so that a slow snapshot build never delays a control or availability change). Thread-safe.
  void RequestSignalReload(const std::string& tenant);

  // Loads published and loads failed so far (for /metrics). Thread-safe.
  struct Outcomes {
    uint64_t ok = 0, failed = 0;
  };
  Outcomes outcomes() const { return {loads_ok_.load(), loads_failed_.load()}; }

 private:
  Status RefreshOnce(bool force_signals);
  Status LoadAndPublish(const SignalReload& reload);

  StateHolder& holder_;
  LoadFn load_;
  MarkerFn marker_;
  std::chrono::milliseconds period_;
  std::string last_marker_;  // touched only by Start() and then the thread
  std::atomic<bool> signals_requested_{false};
  std::atomic<uint64_t> loads_ok_{0}, loads_failed_{0};
  std::mutex mu_;
  std::vector<std::string> tenants_requested_;  // guarded by mu_
  PeriodicThread thread_;                       // last: stops before the members it uses go away
};

}  // namespace recsys::service
