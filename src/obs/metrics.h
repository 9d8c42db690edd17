// Process-wide request metrics for GET /metrics (Prometheus text format 0.0.4).
//
// ObserveRequest() is lock-free and safe from any thread. Render() adds gauges the caller reads
// from elsewhere (queues, snapshots), so this file knows nothing of them.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace recsys::obs {

class Metrics {
 public:
  static Metrics& Global();

  void ObserveRequest(int status, int64_t duration_us);

  // name -> value; names must be valid Prometheus metric names.
  using Gauges = std::vector<std::pair<std::string, double>>;
  std::string Render(const Gauges& gauges) const;

 private:
  static constexpr std::array<int64_t, 9> kBucketsUs = {250,   500,   1000,   2500,   5000,
                                                        10000, 50000, 250000, 1000000};
  std::array<std::atomic<uint64_t>, 6> by_class_{};  // index status / 100
  std::array<std::atomic<uint64_t>, kBucketsUs.size()> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_us_{0};
};

}  // namespace recsys::obs
