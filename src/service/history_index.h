// Users' recent history in memory (ranking.md "Users' recent history"): per (tenant, user key)
// and per (tenant, session id), the most recent distinct items with their last event time, the
// interaction types seen, and a decayed weight, so that serving needs no query per request. Each
// item also carries its repurchase prior across the tenant's kept users (core/rebuy_prior.h):
// each user counts at most two occasions of an item, having it and coming back to it, so that a
// heavy user or a bot returning every hour weighs as one user; sessions count nothing (their
// visits are their user's).
//
// Weights are kept in log2 space relative to a fixed epoch, log2(Σ w · 2^(t / half_life)), so an
// event adds in O(1) and own(i) = 2^(log_i − max_j log_j) needs no decay at read time (the factor
// 2^(−now / half_life) cancels in the normalization). Users are found by a 64-bit hash of (tenant,
// key kind, key): a collision at 1M users has a probability near 3e-8 and would only mix two
// users' histories.
//
// Bounded as a whole: at most `items_per_user` items per user (the least recent leaves first), and
// `max_bytes` for everything: users, sessions and the items they refer to. Items are kept once
// per (tenant, id) with a reference count (service/item_table.h), so an item no kept user or
// session refers to is freed. bytes() counts the heap really held (hash-table nodes and buckets,
// list nodes, vectors' capacity, the ids' buffers; core/heap_bytes.h), so the cap holds in resident
// memory, not just in payload. Measured on the hostile stream (a new user and a new 60-byte item
// per event): 315 bytes per user with its item (README "Sizing the memory caps"). When over the
// cap, an Add evicts the least recently updated users of the shard it writes to, so the cap may
// be passed by at most one user per shard; evictions are counted in evictions() and logged at
// most once a minute.
// Thread-safe: 64 shards, each behind its own mutex; Recent() copies what it returns.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/event.h"
#include "core/ranker.h"
#include "core/snapshot.h"
#include "core/time.h"
#include "service/item_table.h"

namespace recsys::service {

// Whose history: a user (the keyed hash of user_id or anonymous_id) or a session.
enum class HistoryKeyKind : uint8_t { kUser, kSession };

struct HistoryKey {
  std::string_view tenant_id;  // tenants.id
  HistoryKeyKind kind;
  std::string_view key;  // raw user_key bytes, or the session id
};

class HistoryIndex {
 public:
  explicit HistoryIndex(size_t max_bytes) : max_bytes_(max_bytes) {}
  HistoryIndex(const HistoryIndex&) = delete;
  HistoryIndex& operator=(const HistoryIndex&) = delete;

  // Records one interaction worth `weight` (> 0) with the tenant's half-life (days, > 0); keeps
  // at most `items_per_user` (> 0) items for `who`. Evicts users while over the cap.
  void Add(const HistoryKey& who, std::string_view item_id, TimestampUs at, EventType type,
           double weight, double half_life_days, int items_per_user);

  // The history of `who` since `not_before`, most recent first (ties by item id), own(i) normalized
  // to the user's largest item, each item's rebuy prior from the tenant's kept users' occasions.
  // Empty for an unknown user.
  std::vector<HistoryItem> Recent(const HistoryKey& who, TimestampUs not_before) const;

  // Users and sessions kept, (tenant, item) pairs they refer to, and the heap both take (compare
  // max_bytes()).
  size_t users() const { return users_.load(std::memory_order_relaxed); }
  size_t items() const { return items_.size(); }
  size_t bytes() const { return user_bytes_.load(std::memory_order_relaxed) + items_.bytes(); }
  size_t max_bytes() const { return max_bytes_; }
  uint64_t evictions() const { return evictions_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    const ItemTable::Item* item;  // one reference held
    double log_score;             // log2(Σ weight · 2^(t_days / half_life))
    uint32_t last_s;              // last event, seconds since the epoch
    uint16_t occasions;           // see HistoryItem::occasions; saturates
    uint8_t type_mask;
    bool counted;  // a user's entry: min(occasions, 2) are counted in the item's (ItemTable)
  };
  struct User {
    std::vector<Entry> entries;
    std::list<uint64_t>::iterator lru;  // position in the shard's LRU list (front: newest)
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<uint64_t, User> users;
    std::list<uint64_t> lru;
    size_t user_bytes = 0;  // the users' nodes and entries
    size_t accounted = 0;   // what user_bytes_ holds for this shard (with the buckets)
  };
  static constexpr size_t kShards = 64;

  static uint64_t Hash(const HistoryKey& who);
  static size_t UserBytes(const User& user);
  // Records `item` (one reference held) for `user`, counting its occasions when `counted`; false
  // when it was not kept (reference dropped). REQUIRES: the user's shard is locked.
  bool Record(User& user, const ItemTable::Item* item, uint32_t last_s, double log_score,
              EventType type, bool counted, int items_per_user);
  // Uncounts and releases an entry leaving its user. REQUIRES: the user's shard is locked.
  void Drop(const Entry& entry);
  void Account(Shard& shard);      // REQUIRES: shard.mu
  void EvictIfOver(Shard& shard);  // REQUIRES: shard.mu
  void LogEvictions(uint64_t evicted);

  size_t max_bytes_;
  std::array<Shard, kShards> shards_;
  ItemTable items_;  // a reference per (user, item) entry; released under the user's shard lock
  std::atomic<size_t> users_{0}, user_bytes_{0};
  std::atomic<uint64_t> evictions_{0};
  static constexpr int64_t kNeverLogged = INT64_MIN;
  std::atomic<int64_t> last_eviction_log_{kNeverLogged};  // steady-clock seconds
};

}  // namespace recsys::service
