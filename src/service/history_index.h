// Users' recent history in memory (ranking.md "Users' recent history"): per (tenant, user key)
// and per (tenant, session id), the most recent distinct items with their last event time, the
// interaction types seen, and a decayed weight, so that serving needs no query per request.
//
// Weights are kept in log2 space relative to a fixed epoch, log2(Σ w · 2^(t / half_life)), so an
// event adds in O(1) and own(i) = 2^(log_i − max_j log_j) needs no decay at read time (the factor
// 2^(−now / half_life) cancels in the normalization). Users are found by a 64-bit hash of (tenant,
// key kind, key): a collision at 1M users has a probability near 3e-8 and would only mix two
// users' histories. Item ids are interned once.
//
// Bounded: at most `items_per_user` items per user (the least recent leaves first) and about
// `max_bytes` in all, least recently updated users evicted first (counted in evictions()).
// Thread-safe: 64 shards, each behind its own mutex; Recent() copies what it returns.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/event.h"
#include "core/ranker.h"
#include "core/snapshot.h"
#include "core/string_hash.h"
#include "core/time.h"

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

  // Records one interaction worth `weight` (> 0) with the tenant's half-life (days, > 0).
  void Add(const HistoryKey& who, std::string_view item_id, TimestampUs at, EventType type,
           double weight, double half_life_days, int items_per_user);

  // The history of `who` since `not_before`, most recent first, own(i) normalized to the user's
  // largest item. Empty for an unknown user.
  std::vector<HistoryItem> Recent(const HistoryKey& who, TimestampUs not_before) const;

  size_t users() const { return users_.load(std::memory_order_relaxed); }
  size_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  uint64_t evictions() const { return evictions_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    uint32_t item;     // interned id
    uint32_t last_s;   // last event, seconds since the epoch
    double log_score;  // log2(Σ weight · 2^(t_days / half_life))
    uint8_t type_mask;
  };
  struct User {
    std::vector<Entry> entries;
    std::list<uint64_t>::iterator lru;  // position in the shard's LRU list (front: newest)
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<uint64_t, User> users;
    std::list<uint64_t> lru;
    size_t bytes = 0;
  };
  static constexpr size_t kShards = 64;

  static uint64_t Hash(const HistoryKey& who);
  uint32_t Intern(std::string_view item_id);
  static size_t UserBytes(const User& user);
  void EvictIfOver(Shard& shard);

  size_t max_bytes_;
  std::array<Shard, kShards> shards_;
  mutable std::shared_mutex items_mu_;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> item_index_;
  std::vector<std::string> item_ids_;  // guarded by items_mu_
  std::atomic<size_t> users_{0}, bytes_{0};
  std::atomic<uint64_t> evictions_{0};
};

}  // namespace recsys::service
