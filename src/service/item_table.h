// The items a HistoryIndex refers to: each (tenant, item id) once, reference counted, with how
// often the users the index keeps came back to it (core/rebuy_prior.h: the repeat part's
// item-level prior, ranking.md "Repeat and explore"). An item that no kept user or session refers
// to is freed at once, so a stream of new items costs nothing once its users are gone.
//
// bytes() is what the items hold on the heap (hash-table nodes and buckets, the keys' buffers) as
// glibc's malloc counts it (core/heap_bytes.h). Each tenant seen gets one small node of totals
// that lives as long as the table (tenants are few; their nodes are not in bytes()).
// Thread-safe: 16 shards by the key's hash, each behind its own mutex. An Item stays valid, and
// its id readable without a lock, while its holder keeps a reference. Counts are relaxed
// atomics: a reader may see an occasion without its return, which a prior does not mind.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/rebuy_prior.h"
#include "core/string_hash.h"

namespace recsys::service {

class ItemTable {
 public:
  struct Tenant {
    uint32_t ordinal;  // the prefix of its items' keys
    std::atomic<uint64_t> occasions{0}, returns{0};
  };
  class Item {
   public:
    Item(std::string key, Tenant* tenant) : key_(std::move(key)), tenant_(tenant) {}
    std::string_view id() const { return std::string_view(key_).substr(sizeof(uint32_t)); }

   private:
    friend class ItemTable;
    std::string key_;  // the tenant's ordinal (4 bytes), then the item id
    Tenant* tenant_;
    mutable uint32_t refs_ = 1;  // guarded by the shard's mutex
    mutable std::atomic<uint32_t> occasions_{0}, returns_{0};
  };

  ItemTable() = default;
  ItemTable(const ItemTable&) = delete;
  ItemTable& operator=(const ItemTable&) = delete;

  // `tenant_id`'s item `item_id`, created now with one reference or given one more.
  const Item* Acquire(std::string_view tenant_id, std::string_view item_id);
  // Drops one reference; at zero the item is freed. REQUIRES: the caller holds a reference, and
  // every occasion it counted on the item is uncounted.
  void Release(const Item* item);

  // A kept user's new occasion with `item`: a return when the user had the item before.
  static void CountOccasion(const Item* item, bool is_return);
  // Takes back a user's `occasions` (>= 1) with `item`, all but the first returns: the user was
  // evicted or pushed the item out of its history. REQUIRES: they were counted.
  static void Uncount(const Item* item, uint32_t occasions);
  // The item's counts and its tenant's totals, for core/rebuy_prior.h.
  static ReturnCounts Counts(const Item* item);
  static ReturnCounts TenantCounts(const Item* item);

  size_t size() const { return size_.load(std::memory_order_relaxed); }
  size_t bytes() const { return bytes_.load(std::memory_order_relaxed); }

 private:
  static constexpr uint32_t kShardBits = 4;
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
    size_t operator()(const Item& item) const { return (*this)(item.key_); }
  };
  struct KeyEqual {
    using is_transparent = void;
    static std::string_view Key(std::string_view key) { return key; }
    static std::string_view Key(const Item& item) { return item.key_; }
    bool operator()(const auto& a, const auto& b) const { return Key(a) == Key(b); }
  };
  struct Shard {
    std::mutex mu;
    std::unordered_set<Item, KeyHash, KeyEqual> items;
    size_t node_bytes = 0;  // the set's nodes and the keys' buffers
    size_t accounted = 0;   // what bytes_ holds for this shard
  };

  Tenant* FindOrAddTenant(std::string_view tenant_id);
  Shard& ShardOf(std::string_view key) {
    return shards_[KeyHash{}(key) & ((1u << kShardBits) - 1)];
  }
  // The shard's heap now; updates bytes_ by the change since the last call. REQUIRES: shard.mu.
  void Account(Shard& shard);

  std::shared_mutex tenants_mu_;
  std::unordered_map<std::string, std::unique_ptr<Tenant>, StringHash, std::equal_to<>> tenants_;
  std::array<Shard, 1 << kShardBits> shards_;
  std::atomic<size_t> size_{0}, bytes_{0};
};

}  // namespace recsys::service
