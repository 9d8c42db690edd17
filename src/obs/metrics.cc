#include "obs/metrics.h"

#include <cstdio>

namespace recsys::obs {

Metrics& Metrics::Global() {
  static Metrics metrics;
  return metrics;
}

Metrics::Metrics() : unmatched_(&routes_.emplace_back("", "unmatched")) {}

RouteCounters* Metrics::RegisterRoute(std::string_view method, std::string_view pattern) {
  std::lock_guard<std::mutex> lock(routes_mu_);
  for (RouteCounters& route : routes_) {
    if (route.method_ == method && route.pattern_ == pattern) return &route;
  }
  return &routes_.emplace_back(std::string(method), std::string(pattern));
}

void Metrics::ObserveRequest(const RouteCounters* route, int status, int64_t duration_us) {
  const RouteCounters& counters = route ? *route : *unmatched_;
  const uint64_t us = static_cast<uint64_t>(duration_us > 0 ? duration_us : 0);
  const int index = status - RouteCounters::kFirstStatus;
  if (index >= 0 && index < RouteCounters::kStatuses) {
    counters.by_status_[index].fetch_add(1, std::memory_order_relaxed);
  }
  counters.sum_us_.fetch_add(us, std::memory_order_relaxed);
  for (size_t i = 0; i < kBucketsUs.size(); ++i) {
    if (duration_us <= kBucketsUs[i]) buckets_[i].fetch_add(1, std::memory_order_relaxed);
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(us, std::memory_order_relaxed);
}

std::string Label(std::string_view key, std::string_view value) {
  std::string out(key);
  out += "=\"";
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string Metrics::Render(const Gauges& gauges) const {
  std::string out;
  char line[160];
  out += "# HELP recsys_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE recsys_http_requests_total counter\n";
  std::string seconds_by_route;
  {
    std::lock_guard<std::mutex> lock(routes_mu_);
    for (const RouteCounters& route : routes_) {
      const std::string labels =
          Label("method", route.method_) + "," + Label("route", route.pattern_);
      bool any = false;
      for (int i = 0; i < RouteCounters::kStatuses; ++i) {
        const uint64_t n = route.by_status_[i].load(std::memory_order_relaxed);
        if (n == 0) continue;
        any = true;
        std::snprintf(line, sizeof line, ",status=\"%d\"} %llu\n", i + RouteCounters::kFirstStatus,
                      static_cast<unsigned long long>(n));
        out += "recsys_http_requests_total{" + labels + line;
      }
      if (!any) continue;
      std::snprintf(line, sizeof line, "} %.6f\n", route.sum_us_.load() / 1e6);
      seconds_by_route += "recsys_http_request_seconds_total{" + labels + line;
    }
  }
  out += "# HELP recsys_http_request_seconds_total Time spent answering, by route.\n";
  out += "# TYPE recsys_http_request_seconds_total counter\n";
  out += seconds_by_route;
  out += "# HELP recsys_http_requests_in_flight Requests being handled now.\n";
  out += "# TYPE recsys_http_requests_in_flight gauge\n";
  out += "recsys_http_requests_in_flight " + std::to_string(in_flight_.load()) + "\n";
  out += "# HELP recsys_http_connections_open Client connections open now.\n";
  out += "# TYPE recsys_http_connections_open gauge\n";
  out += "recsys_http_connections_open " + std::to_string(connections_.load()) + "\n";
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
  std::string_view family;
  for (const auto& [name, value] : gauges) {
    const std::string_view this_family = std::string_view(name).substr(0, name.find('{'));
    if (this_family != family) {
      family = this_family;
      out += "# TYPE ";
      out += family;
      out += " gauge\n";
    }
    std::snprintf(line, sizeof line, " %.17g\n", value);
    out += name + line;
  }
  return out;
}

}  // namespace recsys::obs
