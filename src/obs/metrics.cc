#include "obs/metrics.h"

#include <cstdio>

namespace recsys::obs {

Metrics& Metrics::Global() {
  static Metrics metrics;
  return metrics;
}

void Metrics::ObserveRequest(int status, int64_t duration_us) {
  const int cls = status / 100;
  if (cls >= 1 && cls <= 5) by_class_[cls].fetch_add(1, std::memory_order_relaxed);
  for (size_t i = 0; i < kBucketsUs.size(); ++i) {
    if (duration_us <= kBucketsUs[i]) buckets_[i].fetch_add(1, std::memory_order_relaxed);
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(static_cast<uint64_t>(duration_us > 0 ? duration_us : 0),
                    std::memory_order_relaxed);
}

std::string Metrics::Render(const Gauges& gauges) const {
  std::string out;
  char line[160];
  out += "# HELP recsys_http_requests_total HTTP requests answered, by status class.\n";
  out += "# TYPE recsys_http_requests_total counter\n";
  for (int cls = 1; cls <= 5; ++cls) {
    std::snprintf(line, sizeof line, "recsys_http_requests_total{class=\"%dxx\"} %llu\n", cls,
                  static_cast<unsigned long long>(by_class_[cls].load()));
    out += line;
  }
  out += "# HELP recsys_http_request_duration_seconds Time from request read to response.\n";
  out += "# TYPE recsys_http_request_duration_seconds histogram\n";
  for (size_t i = 0; i < kBucketsUs.size(); ++i) {
    std::snprintf(line, sizeof line,
                  "recsys_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                  kBucketsUs[i] / 1e6, static_cast<unsigned long long>(buckets_[i].load()));
    out += line;
  }
  const unsigned long long count = count_.load();
  std::snprintf(line, sizeof line,
                "recsys_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
                "recsys_http_request_duration_seconds_sum %.6f\n"
                "recsys_http_request_duration_seconds_count %llu\n",
                count, sum_us_.load() / 1e6, count);
  out += line;
  for (const auto& [name, value] : gauges) {
    out += "# TYPE " + name + " gauge\n";
    std::snprintf(line, sizeof line, " %.17g\n", value);
    out += name + line;
  }
  return out;
}

}  // namespace recsys::obs
