// The store's connection defaults in one place: how long each kind of connection may take to
// connect, what its statements may wait for, and how a lost connection is retried. The settings
// an operator can change live in cli/serve_config.h; these are fixed by what each use can bear.
#pragma once

#include <algorithm>
#include <chrono>

namespace recsys::store {

// Seconds a connection may take to open.
inline constexpr int kProbeConnectTimeoutS = 2;       // readiness probe, change listener
inline constexpr int kBackgroundConnectTimeoutS = 3;  // a serving instance's loaders and writers
inline constexpr int kCommandConnectTimeoutS = 5;     // CLI commands, signal builds, snapshots

// Connect timeout and libpq server options of connections whose statements run on the request
// path or may wait for row locks: bounded so that a stuck database answers 503, never a hang.
struct SessionLimits {
  int connect_timeout_s;
  const char* server_options;
};
// The admin API (config, rules, keys, audit): on the I/O threads.
inline constexpr SessionLimits kAdminSession{kBackgroundConnectTimeoutS,
                                             "-c statement_timeout=5000 -c lock_timeout=2000"};
// Event batches (POST /v1/events, import): one transaction of up to 1000 events.
inline constexpr SessionLimits kEventSession{kBackgroundConnectTimeoutS,
                                             "-c statement_timeout=30000 -c lock_timeout=10000"};
// Catalog writes (PUT /v1/catalog/items, import catalog).
inline constexpr SessionLimits kCatalogSession{kBackgroundConnectTimeoutS,
                                               "-c statement_timeout=30000 -c lock_timeout=5000"};
// Impact previews (POST .../preview, on their own worker): a bounded read of the exposure log.
inline constexpr SessionLimits kPreviewSession{kBackgroundConnectTimeoutS,
                                               "-c statement_timeout=10000"};

// The wait before each retry of a lost database: `first`, then doubling up to `cap`; Reset()
// after a success starts over. Not thread-safe (one per retrying loop).
class RetryBackoff {
 public:
  constexpr RetryBackoff(std::chrono::milliseconds first, std::chrono::milliseconds cap)
      : first_(first), cap_(cap) {}
  // The wait before the next attempt.
  std::chrono::milliseconds Next() {
    next_ = next_.count() == 0 ? first_ : std::min(cap_, next_ * 2);
    return next_;
  }
  void Reset() { next_ = std::chrono::milliseconds(0); }

 private:
  std::chrono::milliseconds first_, cap_;
  std::chrono::milliseconds next_{0};
};

// The change listener reconnects quickly (missed NOTIFYs mean a full reload); the exposure
// writer gives a struggling database more room (its rows wait in the queue or spill meanwhile).
inline constexpr RetryBackoff kListenerRetry{std::chrono::milliseconds(100),
                                             std::chrono::milliseconds(5000)};
inline constexpr RetryBackoff kExposureWriterRetry{std::chrono::milliseconds(250),
                                                   std::chrono::milliseconds(5000)};

}  // namespace recsys::store
