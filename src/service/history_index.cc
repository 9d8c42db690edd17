#include "service/history_index.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include "core/heap_bytes.h"
#include "crypto/digest.h"
#include "obs/log.h"
#include "service/shard_bytes.h"

namespace recsys::service {
namespace {

// Per user: its hash-table node (next link, key, User; std::hash<uint64_t> caches no hash) and
// its LRU list node (two links and the key).
constexpr size_t kUserNodeBytes =
    NodeBytes(sizeof(uint64_t) + sizeof(std::vector<int>) + sizeof(std::list<uint64_t>::iterator),
              1, false) +
    NodeBytes(sizeof(uint64_t), 2, false);

constexpr int64_t kEvictionLogEverySeconds = 60;
constexpr uint32_t kOccasionGapSeconds = 3600;

double Log2Add(double a, double b) {
  const double hi = std::max(a, b), lo = std::min(a, b);
  return hi + std::log2(1 + std::exp2(lo - hi));
}

}  // namespace

uint64_t HistoryIndex::Hash(const HistoryKey& who) {
  std::string material;
  material.reserve(who.key.size() + 1);
  material.push_back(static_cast<char>(who.kind));
  material.append(who.key);
  const std::string digest = crypto::HmacSha256(who.tenant_id, material);
  uint64_t hash;
  std::memcpy(&hash, digest.data(), sizeof hash);
  return hash;
}

size_t HistoryIndex::UserBytes(const User& user) {
  static_assert(sizeof(std::pair<const uint64_t, User>) ==
                sizeof(uint64_t) + sizeof(std::vector<int>) +
                    sizeof(std::list<uint64_t>::iterator));
  return kUserNodeBytes + HeapBytes(user.entries.capacity() * sizeof(Entry));
}

void HistoryIndex::Account(Shard& shard) {
  const size_t now = shard.user_bytes + HeapBytes(shard.users.bucket_count() * sizeof(void*));
  AccountShardBytes(user_bytes_, shard.accounted, now);
}

bool HistoryIndex::Record(User& user, const ItemTable::Item* item, uint32_t last_s,
                          double log_score, EventType type, bool counted, int items_per_user) {
  const auto type_bit = static_cast<uint8_t>(1u << static_cast<int>(type));
  auto entry = std::find_if(user.entries.begin(), user.entries.end(),
                            [item](const Entry& e) { return e.item == item; });
  if (entry != user.entries.end()) {
    items_.Release(item);  // the entry holds its reference already
    entry->log_score = Log2Add(entry->log_score, log_score);
    // Events in the same hour are one visit; an older event (a clock going back, a late import)
    // starts no new one.
    if (last_s >= entry->last_s + kOccasionGapSeconds && entry->occasions < UINT16_MAX) {
      ++entry->occasions;
      if (entry->counted && entry->occasions == 2) ItemTable::CountOccasion(item, true);
    }
    entry->last_s = std::max(entry->last_s, last_s);
    entry->type_mask |= type_bit;
    return true;
  }
  if (static_cast<int>(user.entries.size()) >= items_per_user) {
    auto oldest =
        std::min_element(user.entries.begin(), user.entries.end(),
                         [](const Entry& a, const Entry& b) { return a.last_s < b.last_s; });
    if (oldest->last_s > last_s) {  // older than everything kept
      items_.Release(item);
      return false;
    }
    Drop(*oldest);
    user.entries.erase(oldest);
  }
  user.entries.push_back({item, log_score, last_s, 1, type_bit, counted});
  if (counted) ItemTable::CountOccasion(item, false);
  return true;
}

void HistoryIndex::Drop(const Entry& entry) {
  if (entry.counted) ItemTable::Uncount(entry.item, std::min<uint32_t>(entry.occasions, 2));
  items_.Release(entry.item);
}

void HistoryIndex::Add(const HistoryKey& who, std::string_view item_id, TimestampUs at,
                       EventType type, double weight, double half_life_days, int items_per_user) {
  if (weight <= 0 || half_life_days <= 0 || items_per_user <= 0) return;
  const uint64_t hash = Hash(who);
  const double log_score = std::log2(weight) + static_cast<double>(at) / 86400e6 / half_life_days;
  const auto last_s = static_cast<uint32_t>(std::max<TimestampUs>(0, at / 1000000));
  Shard& shard = shards_[hash % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  // Acquired under the shard's lock: a release of the same item by this shard cannot interleave.
  const ItemTable::Item* item = items_.Acquire(who.tenant_id, item_id);
  auto [it, inserted] = shard.users.try_emplace(hash);
  User& user = it->second;
  if (inserted) {
    shard.lru.push_front(hash);
    user.lru = shard.lru.begin();
    ++users_;
  } else {
    shard.user_bytes -= UserBytes(user);
    shard.lru.splice(shard.lru.begin(), shard.lru, user.lru);
  }
  Record(user, item, last_s, log_score, type, who.kind == HistoryKeyKind::kUser, items_per_user);
  shard.user_bytes += UserBytes(user);
  Account(shard);
  EvictIfOver(shard);
}

void HistoryIndex::EvictIfOver(Shard& shard) {
  uint64_t evicted = 0;
  while (bytes() > max_bytes_ && shard.lru.size() > 1) {
    const uint64_t victim = shard.lru.back();
    auto it = shard.users.find(victim);
    for (const Entry& e : it->second.entries) Drop(e);
    shard.user_bytes -= UserBytes(it->second);
    shard.users.erase(it);
    shard.lru.pop_back();
    --users_;
    ++evicted;
    Account(shard);
  }
  if (evicted > 0) LogEvictions(evicted);
}

void HistoryIndex::LogEvictions(uint64_t evicted) {
  const uint64_t total = evictions_.fetch_add(evicted, std::memory_order_relaxed) + evicted;
  const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
  int64_t last = last_eviction_log_.load(std::memory_order_relaxed);
  if ((last != kNeverLogged && now_s - last < kEvictionLogEverySeconds) ||
      !last_eviction_log_.compare_exchange_strong(last, now_s, std::memory_order_relaxed)) {
    return;
  }
  obs::Log(obs::Level::kWarn,
           "recent-history index at its memory cap (RECSYS_HISTORY_MAX_MB): evicting the least "
           "recently updated users; logged at most once a minute")
      .Int("evictions_total", static_cast<int64_t>(total))
      .Int("users", static_cast<int64_t>(users()))
      .Int("items", static_cast<int64_t>(items()))
      .Int("bytes", static_cast<int64_t>(bytes()))
      .Int("max_bytes", static_cast<int64_t>(max_bytes_));
}

std::vector<HistoryItem> HistoryIndex::Recent(const HistoryKey& who, TimestampUs not_before) const {
  const uint64_t hash = Hash(who);
  const Shard& shard = shards_[hash % kShards];
  const auto cutoff = static_cast<uint32_t>(std::max<TimestampUs>(0, not_before / 1000000));
  std::vector<HistoryItem> out;
  // The shard stays locked while the items are read: its users' references keep them alive.
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.users.find(hash);
  if (it == shard.users.end()) return out;
  std::vector<Entry> entries = it->second.entries;
  std::erase_if(entries, [cutoff](const Entry& e) { return e.last_s < cutoff; });
  if (entries.empty()) return out;
  double best = entries[0].log_score;
  for (const Entry& e : entries) best = std::max(best, e.log_score);
  out.reserve(entries.size());
  for (const Entry& e : entries) {
    HistoryItem& h = out.emplace_back();
    h.item_id = e.item->id();
    h.last_at = static_cast<TimestampUs>(e.last_s) * 1000000;
    h.own = std::exp2(e.log_score - best);
    h.type_mask = e.type_mask;
    h.occasions = e.occasions;
    h.rebuy = RebuyPrior(ItemTable::Counts(e.item), ItemTable::TenantCounts(e.item));
  }
  std::sort(out.begin(), out.end(), [](const HistoryItem& a, const HistoryItem& b) {
    return a.last_at != b.last_at ? a.last_at > b.last_at : a.item_id < b.item_id;
  });
  return out;
}

}  // namespace recsys::service
