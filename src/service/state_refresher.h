// Keeps the published ServingState fresh: a background thread reloads tenants, config and rules
// every period and when asked to, and signals when the database reports signal writes (or the
// day changed), or when asked to. A failed load keeps the previous state, is logged, and is retried
// next period; the database going away never stops serving. The thread stops in the destructor.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "service/periodic_thread.h"
#include "service/serving_state.h"

namespace recsys::service {

class StateRefresher {
 public:
  // Loads a new state; `previous` may be reused for unchanged signals unless `reload_signals`.
  using LoadFn = std::function<Result<std::shared_ptr<const ServingState>>(
      const ServingState* previous, bool reload_signals)>;
  // A value that changes when signals were written.
  using MarkerFn = std::function<Result<std::string>()>;

  StateRefresher(StateHolder& holder, LoadFn load, MarkerFn marker,
                 std::chrono::milliseconds period);

  // Loads once synchronously (so serving starts with signals when the database is up), then
  // refreshes in the background. Returns the first load's status.
  Status Start();
  // Reloads tenants, config and rules now; with `signals`, every signal snapshot too.
  // Thread-safe.
  void RequestReload(bool signals);

 private:
  Status RefreshOnce(bool force_signals);

  StateHolder& holder_;
  LoadFn load_;
  MarkerFn marker_;
  std::chrono::milliseconds period_;
  std::string last_marker_;  // touched only by Start() and then the thread
  std::atomic<bool> signals_requested_{false};
  PeriodicThread thread_;  // last: stops before the members it uses go away
};

}  // namespace recsys::service
