#include "service/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace recsys::service {

int RateLimiter::Take(std::string_view tenant, double rate, double burst, TimestampUs now,
                      double tokens) {
  Shard& shard = shards_[std::hash<std::string_view>{}(tenant) % shards_.size()];
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.buckets.find(tenant);
  if (it == shard.buckets.end()) it = shard.buckets.emplace(std::string(tenant), Bucket{}).first;
  Bucket& b = it->second;
  if (b.fresh) {
    b = Bucket{burst, now, false};
  } else {
    const double elapsed_s = std::max<TimestampUs>(0, now - b.updated) / 1e6;
    b.tokens = std::min(burst, b.tokens + elapsed_s * rate);
    b.updated = now;
  }
  if (b.tokens >= tokens) {
    b.tokens -= tokens;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((tokens - b.tokens) / rate)));
}

}  // namespace recsys::service
