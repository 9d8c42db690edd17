// Interns strings (item ids, tag names) to dense indexes 0, 1, 2, ... in first-seen order.
//
// Each id is stored once in an arena as [index][length][bytes], and the index is open addressing
// over 8-byte slots that point into the arena, so a lookup touches two cache lines: the slot and
// the entry. Loaders that look up millions of ids can hide even those misses: Hash() first,
// PrefetchSlot() some rows ahead, PrefetchEntry() a few rows later (once the slot has arrived),
// then Intern() with the hash. (std::unordered_map<std::string,
// uint32_t> chased a bucket, a node and often a heap string: 46 % of loading 1M items.)
// Limits: fewer than 2^32 ids and 16 GiB of id bytes, like the uint32 indexes everywhere else.
// Not thread-safe while interning; const calls may run concurrently once interning has stopped.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace recsys {

class IdTable {
 public:
  static uint32_t Hash(std::string_view id);

  // The index of `id`, adding it as index size() if it is new.
  uint32_t Intern(std::string_view id) { return Intern(id, Hash(id)); }
  // REQUIRES: hash == Hash(id).
  uint32_t Intern(std::string_view id, uint32_t hash);
  // The index of `id`, or nullopt when it was never interned.
  std::optional<uint32_t> Find(std::string_view id) const;
  // Start loading the two cache lines a lookup of an id with this hash reads: its slot, and then
  // (reading the slot, so best once PrefetchSlot's line has arrived) the entry it points to.
  // Hints only: a lookup is correct without them.
  void PrefetchSlot(uint32_t hash) const;
  void PrefetchEntry(uint32_t hash) const;
  // Calls fn(index) for each of `ids` that was interned, in order: Find() on each, with the
  // lookups' cache misses overlapped in groups (a request's exclude list holds hundreds of ids).
  template <typename Fn>
  void ForEachFound(std::span<const std::string> ids, Fn&& fn) const;

  // REQUIRES: i < size(). The view stays valid until the next Intern.
  std::string_view id(uint32_t i) const { return Entry(entries_[i]); }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // Heap bytes held.
  size_t MemoryBytes() const;
  // At most how many heap bytes interning one new id of `length` bytes would add (its tables
  // grow by doubling), for callers that hold a memory cap.
  size_t GrowthForNew(size_t length) const;

 private:
  friend struct SnapshotCodec;
  struct Slot {
    uint32_t hash;   // the id's hash; its low bits pick the home slot
    uint32_t entry;  // where the id's arena entry starts, in 4-byte words, + 1; 0 = empty
  };
  static constexpr size_t kHeader = 2 * sizeof(uint32_t);  // index, length

  std::string_view Entry(uint32_t word) const {
    uint32_t length;
    std::memcpy(&length, arena_.data() + size_t{word} * 4 + sizeof(uint32_t), sizeof length);
    return {arena_.data() + size_t{word} * 4 + kHeader, length};
  }
  uint32_t EntryIndex(uint32_t word) const {
    uint32_t index;
    std::memcpy(&index, arena_.data() + size_t{word} * 4, sizeof index);
    return index;
  }
  // The slot holding `id`, or the empty slot where it would go.
  size_t Probe(std::string_view id, uint32_t hash) const;
  std::optional<uint32_t> FindHashed(std::string_view id, uint32_t hash) const;
  void Rehash(size_t slot_count);

  std::vector<char> arena_;        // entries, each 4-byte aligned
  std::vector<uint32_t> entries_;  // per index: its arena entry, in 4-byte words
  std::vector<Slot> slots_;        // a power of two, at most half full
};

template <typename Fn>
void IdTable::ForEachFound(std::span<const std::string> ids, Fn&& fn) const {
  // Each group's slots are requested together, then their entries, then read: a group costs
  // about two misses' latency (slots, then entries) instead of two per id.
  constexpr size_t kGroup = 16;
  uint32_t hashes[kGroup];
  for (size_t first = 0; first < ids.size(); first += kGroup) {
    const size_t n = std::min(kGroup, ids.size() - first);
    for (size_t k = 0; k < n; ++k) {
      hashes[k] = Hash(ids[first + k]);
      PrefetchSlot(hashes[k]);
    }
    for (size_t k = 0; k < n; ++k) PrefetchEntry(hashes[k]);
    for (size_t k = 0; k < n; ++k) {
      if (auto index = FindHashed(ids[first + k], hashes[k])) fn(*index);
    }
  }
}

}  // namespace recsys
