// Process-wide request metrics for GET /metrics (Prometheus text format 0.0.4).
//
// Requests are counted per route (method and path pattern) and exact status, with a latency
// histogram over all of them and a gauge of requests being handled. Routes register once at start
// (RegisterRoute, mutex) and get stable counters that the request path updates lock-free, so
// ObserveRequest and the in-flight calls are safe from any thread. Render() adds gauges the caller
// reads from elsewhere (queues, snapshots), so this file knows nothing of them.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace recsys::obs {

// The counters of one route. Thread-safe; lives as long as the process.
class RouteCounters {
 public:
  RouteCounters(std::string method, std::string pattern)
      : method_(std::move(method)), pattern_(std::move(pattern)) {}

 private:
  friend class Metrics;
  static constexpr int kFirstStatus = 100, kStatuses = 500;  // 100..599
  const std::string method_, pattern_;
  // Counting does not change which route this is: callers hold const pointers.
  mutable std::array<std::atomic<uint64_t>, kStatuses> by_status_{};
  mutable std::atomic<uint64_t> sum_us_{0};
};

class Metrics {
 public:
  static Metrics& Global();

  // The counters of `method` `pattern`, made on first use; the same pointer for the same route.
  RouteCounters* RegisterRoute(std::string_view method, std::string_view pattern);

  // `route` null: the request matched no route or was refused before routing (malformed, too
  // large), counted under route="unmatched".
  void ObserveRequest(const RouteCounters* route, int status, int64_t duration_us);
  void RequestStarted() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void RequestFinished() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
  void ConnectionOpened() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { connections_.fetch_sub(1, std::memory_order_relaxed); }

  // name -> value; a name may carry labels (`family{key="value"}`, see Label()), entries of one
  // family must be adjacent.
  using Gauges = std::vector<std::pair<std::string, double>>;
  std::string Render(const Gauges& gauges) const;

  Metrics();  // one per process (Global()); tests make their own

 private:
  static constexpr std::array<int64_t, 9> kBucketsUs = {250,   500,   1000,   2500,   5000,
                                                        10000, 50000, 250000, 1000000};
  mutable std::mutex routes_mu_;
  std::deque<RouteCounters> routes_;  // deque: addresses stay put as routes are added
  RouteCounters* unmatched_;
  std::array<std::atomic<uint64_t>, kBucketsUs.size()> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_us_{0};
  std::atomic<int64_t> in_flight_{0};
  std::atomic<int64_t> connections_{0};
};

// `key="value"` with the value escaped for the Prometheus text format.
std::string Label(std::string_view key, std::string_view value);

}  // namespace recsys::obs
