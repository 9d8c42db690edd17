#include "service/history_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "crypto/digest.h"

namespace recsys::service {
namespace {

// Hash-table node and LRU list node overheads, approximately, for the memory budget.
constexpr size_t kUserOverhead = sizeof(uint64_t) + 2 * sizeof(void*) + 3 * sizeof(void*) + 16;

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

uint32_t HistoryIndex::Intern(std::string_view item_id) {
  {
    std::shared_lock lock(items_mu_);
    if (auto it = item_index_.find(item_id); it != item_index_.end()) return it->second;
  }
  std::unique_lock lock(items_mu_);
  if (auto it = item_index_.find(item_id); it != item_index_.end()) return it->second;
  const auto index = static_cast<uint32_t>(item_ids_.size());
  item_ids_.emplace_back(item_id);
  item_index_.emplace(std::string(item_id), index);
  bytes_ += 2 * (sizeof(std::string) + item_id.size()) + 4 * sizeof(void*);
  return index;
}

size_t HistoryIndex::UserBytes(const User& user) {
  return kUserOverhead + sizeof(User) + user.entries.capacity() * sizeof(Entry);
}

void HistoryIndex::Add(const HistoryKey& who, std::string_view item_id, TimestampUs at,
                       EventType type, double weight, double half_life_days, int items_per_user) {
  if (weight <= 0 || half_life_days <= 0) return;
  const uint32_t item = Intern(item_id);
  const uint64_t hash = Hash(who);
  const double log_score = std::log2(weight) + static_cast<double>(at) / 86400e6 / half_life_days;
  const auto last_s = static_cast<uint32_t>(std::max<TimestampUs>(0, at / 1000000));
  Shard& shard = shards_[hash % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  auto [it, inserted] = shard.users.try_emplace(hash);
  User& user = it->second;
  size_t before = 0;
  if (inserted) {
    shard.lru.push_front(hash);
    user.lru = shard.lru.begin();
    ++users_;
  } else {
    before = UserBytes(user);
    shard.lru.splice(shard.lru.begin(), shard.lru, user.lru);
  }
  auto entry = std::find_if(user.entries.begin(), user.entries.end(),
                            [item](const Entry& e) { return e.item == item; });
  if (entry != user.entries.end()) {
    entry->log_score = Log2Add(entry->log_score, log_score);
    entry->last_s = std::max(entry->last_s, last_s);
    entry->type_mask |= static_cast<uint8_t>(1u << static_cast<int>(type));
  } else {
    if (static_cast<int>(user.entries.size()) >= items_per_user) {
      auto oldest =
          std::min_element(user.entries.begin(), user.entries.end(),
                           [](const Entry& a, const Entry& b) { return a.last_s < b.last_s; });
      if (oldest->last_s > last_s) return;  // older than everything kept
      user.entries.erase(oldest);
    }
    user.entries.push_back(
        {item, last_s, log_score, static_cast<uint8_t>(1u << static_cast<int>(type))});
  }
  const size_t after = UserBytes(user);
  shard.bytes += after - before;
  bytes_ += after - before;
  EvictIfOver(shard);
}

void HistoryIndex::EvictIfOver(Shard& shard) {
  const size_t budget = max_bytes_ / kShards;
  while (shard.bytes > budget && shard.lru.size() > 1) {
    const uint64_t victim = shard.lru.back();
    auto it = shard.users.find(victim);
    const size_t freed = UserBytes(it->second);
    shard.users.erase(it);
    shard.lru.pop_back();
    shard.bytes -= freed;
    bytes_ -= freed;
    --users_;
    ++evictions_;
  }
}

std::vector<HistoryItem> HistoryIndex::Recent(const HistoryKey& who, TimestampUs not_before) const {
  std::vector<Entry> entries;
  {
    const uint64_t hash = Hash(who);
    const Shard& shard = shards_[hash % kShards];
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.users.find(hash);
    if (it == shard.users.end()) return {};
    entries = it->second.entries;
  }
  const auto cutoff = static_cast<uint32_t>(std::max<TimestampUs>(0, not_before / 1000000));
  std::erase_if(entries, [cutoff](const Entry& e) { return e.last_s < cutoff; });
  if (entries.empty()) return {};
  double best = entries[0].log_score;
  for (const Entry& e : entries) best = std::max(best, e.log_score);
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.last_s != b.last_s ? a.last_s > b.last_s : a.item < b.item;
  });
  std::vector<HistoryItem> out;
  out.reserve(entries.size());
  std::shared_lock lock(items_mu_);
  for (const Entry& e : entries) {
    out.push_back({item_ids_[e.item], static_cast<TimestampUs>(e.last_s) * 1000000,
                   std::exp2(e.log_score - best), e.type_mask});
  }
  return out;
}

}  // namespace recsys::service
