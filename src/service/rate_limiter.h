// Per-tenant token buckets: `rate` tokens per second on average, bursts of `burst`. A token is a
// request for recommendations, an event for POST /v1/events (one limiter per use).
//
// Take() is thread-safe; buckets are sharded so that tenants rarely share a lock. Memory grows
// with the number of distinct tenants seen (bounded by the registry). Time is passed in, so tests
// need no clock.
#pragma once

#include <array>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/snapshot.h"
#include "core/string_hash.h"
#include "core/time.h"

namespace recsys::service {

class RateLimiter {
 public:
  // Takes `tokens` from `tenant`'s bucket, all or none. Returns 0 when taken, else how many
  // seconds until that many are available (>= 1, for Retry-After); a refusal takes nothing.
  // REQUIRES: rate > 0, 1 <= tokens <= burst.
  int Take(std::string_view tenant, double rate, double burst, TimestampUs now, double tokens = 1);

 private:
  struct Bucket {
    double tokens = 0;
    TimestampUs updated = 0;
    bool fresh = true;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket, StringHash, std::equal_to<>> buckets;
  };
  std::array<Shard, 16> shards_;
};

}  // namespace recsys::service
