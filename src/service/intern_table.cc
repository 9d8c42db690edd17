#include "service/intern_table.h"

#include "core/heap_bytes.h"

namespace recsys::service {
namespace {

// A map node: the next link, the key and value, and the cached hash (StringHash is not noexcept).
constexpr size_t kNodeValueBytes = sizeof(std::pair<const std::string, uint32_t>);

size_t NodeHeapBytes(const std::string& key) {
  return NodeBytes(kNodeValueBytes, 1, true) + StringHeapBytes(key);
}

}  // namespace

void InternTable::Account(Shard& shard) {
  const size_t now = shard.node_bytes + HeapBytes(shard.index.bucket_count() * sizeof(void*)) +
                     HeapBytes(shard.slots.capacity() * sizeof(Slot));
  if (now >= shard.accounted) {
    bytes_.fetch_add(now - shard.accounted, std::memory_order_relaxed);
  } else {
    bytes_.fetch_sub(shard.accounted - now, std::memory_order_relaxed);
  }
  shard.accounted = now;
}

uint32_t InternTable::Acquire(std::string_view text) {
  const size_t hash = StringHash{}(text);
  const uint32_t shard_index = static_cast<uint32_t>(hash) & ((1u << kShardBits) - 1);
  Shard& shard = shards_[shard_index];
  std::lock_guard<std::mutex> lock(shard.mu);
  if (auto found = shard.index.find(text); found != shard.index.end()) {
    ++shard.slots[found->second].refs;
    return (found->second << kShardBits) | shard_index;
  }
  const auto it = shard.index.emplace(std::string(text), kNone).first;
  uint32_t slot = shard.free_head;
  if (slot != kNone) {
    shard.free_head = shard.slots[slot].refs;
    shard.slots[slot] = {&it->first, 1};
  } else {
    slot = static_cast<uint32_t>(shard.slots.size());
    shard.slots.push_back({&it->first, 1});
  }
  it->second = slot;
  shard.node_bytes += NodeHeapBytes(it->first);
  size_.fetch_add(1, std::memory_order_relaxed);
  Account(shard);
  return (slot << kShardBits) | shard_index;
}

void InternTable::Release(uint32_t index) {
  Shard& shard = shards_[index & ((1u << kShardBits) - 1)];
  const uint32_t slot = index >> kShardBits;
  std::lock_guard<std::mutex> lock(shard.mu);
  Slot& s = shard.slots[slot];
  if (--s.refs > 0) return;
  auto it = shard.index.find(*s.text);
  shard.node_bytes -= NodeHeapBytes(it->first);
  shard.index.erase(it);
  s = {nullptr, shard.free_head};
  shard.free_head = slot;
  size_.fetch_sub(1, std::memory_order_relaxed);
  Account(shard);
}

void InternTable::AppendTo(uint32_t index, std::string* out) const {
  const Shard& shard = shards_[index & ((1u << kShardBits) - 1)];
  std::lock_guard<std::mutex> lock(shard.mu);
  out->append(*shard.slots[index >> kShardBits].text);
}

}  // namespace recsys::service
