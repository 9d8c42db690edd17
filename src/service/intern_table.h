// Strings interned by reference count: Acquire() gives a 32-bit index for a string and counts a
// reference, Release() drops one, and a string whose count reaches zero is freed at once and its
// index reused. The history index keeps item ids here, so an id that no kept user or session
// refers to any more costs nothing.
//
// bytes() is what the table really holds on the heap (hash-table nodes and buckets, the strings'
// own buffers, the index-to-string vector), as glibc's malloc counts it (core/heap_bytes.h).
// Thread-safe: 16 shards (by the string's hash), each behind its own mutex; an index names its
// shard, so Release() and Get() lock only that one.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/string_hash.h"

namespace recsys::service {

class InternTable {
 public:
  InternTable() = default;
  InternTable(const InternTable&) = delete;
  InternTable& operator=(const InternTable&) = delete;

  // The index of `text`, interned now with one reference or given one more.
  uint32_t Acquire(std::string_view text);

  // Drops one reference to `index`; at zero the string is freed and `index` may name another
  // string later. REQUIRES: the caller holds a reference to `index` (from Acquire).
  void Release(uint32_t index);

  // Appends the string at `index` to `*out`. REQUIRES: the caller holds a reference to `index`,
  // so no other thread can release it meanwhile.
  void AppendTo(uint32_t index, std::string* out) const;

  size_t size() const { return size_.load(std::memory_order_relaxed); }
  size_t bytes() const { return bytes_.load(std::memory_order_relaxed); }

 private:
  static constexpr uint32_t kShardBits = 4;
  static constexpr uint32_t kNone = UINT32_MAX;
  using Map = std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>>;

  // In use: `text` points at the map node's key (nodes never move) and `refs` > 0. Free: `text`
  // is null and `refs` is the next free slot (kNone ends the list).
  struct Slot {
    const std::string* text;
    uint32_t refs;
  };
  struct Shard {
    mutable std::mutex mu;
    Map index;  // string -> slot
    std::vector<Slot> slots;
    uint32_t free_head = kNone;
    size_t node_bytes = 0;  // the map's nodes and the strings' buffers
    size_t accounted = 0;   // what bytes_ holds for this shard
  };

  // The shard's heap now; updates bytes_ by the change since the last call. REQUIRES: shard.mu.
  void Account(Shard& shard);

  std::array<Shard, 1 << kShardBits> shards_;
  std::atomic<size_t> size_{0}, bytes_{0};
};

}  // namespace recsys::service
