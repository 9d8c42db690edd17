// Per-tenant token buckets: `rate` requests per second on average, bursts of `burst`.
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
  // Takes one token from `tenant`'s bucket. Returns 0 when allowed, else how many seconds until a
  // token is available (>= 1, for Retry-After). REQUIRES: rate > 0, burst >= 1.
  int Take(std::string_view tenant, double rate, double burst, TimestampUs now);

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
