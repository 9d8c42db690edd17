// One atomic total of a sharded structure's heap (figures from core/heap_bytes.h): each shard
// remembers what it last added, so that its new figure moves the total by the difference and no
// reader has to sum the shards.
#pragma once

#include <atomic>
#include <cstddef>

namespace recsys::service {

// Moves `total` by the change from the shard's `accounted` to `now`, then sets `accounted` to
// `now`. REQUIRES: the caller holds the lock that guards `accounted`; `total` is read by anyone.
inline void AccountShardBytes(std::atomic<size_t>& total, size_t& accounted, size_t now) {
  if (now >= accounted) {
    total.fetch_add(now - accounted, std::memory_order_relaxed);
  } else {
    total.fetch_sub(accounted - now, std::memory_order_relaxed);
  }
  accounted = now;
}

}  // namespace recsys::service
