#include "service/item_table.h"

#include <cstring>

#include "core/heap_bytes.h"
#include "service/shard_bytes.h"

namespace recsys::service {
namespace {

// A set node: the next link, the Item and the cached hash (the hash is not noexcept).
size_t NodeHeapBytes(const std::string& key) {
  return NodeBytes(sizeof(ItemTable::Item), 1, true) + StringHeapBytes(key);
}

}  // namespace

ItemTable::Tenant* ItemTable::FindOrAddTenant(std::string_view tenant_id) {
  {
    std::shared_lock<std::shared_mutex> lock(tenants_mu_);
    if (auto it = tenants_.find(tenant_id); it != tenants_.end()) return it->second.get();
  }
  std::unique_lock<std::shared_mutex> lock(tenants_mu_);
  auto [it, inserted] = tenants_.try_emplace(std::string(tenant_id));
  if (inserted) {
    it->second = std::make_unique<Tenant>();
    it->second->ordinal = static_cast<uint32_t>(tenants_.size());
  }
  return it->second.get();
}

void ItemTable::Account(Shard& shard) {
  const size_t now = shard.node_bytes + HeapBytes(shard.items.bucket_count() * sizeof(void*));
  AccountShardBytes(bytes_, shard.accounted, now);
}

const ItemTable::Item* ItemTable::Acquire(std::string_view tenant_id, std::string_view item_id) {
  Tenant* tenant = FindOrAddTenant(tenant_id);
  // Built in a buffer each thread keeps, so that finding an item allocates nothing.
  thread_local std::string key;
  key.resize(sizeof tenant->ordinal + item_id.size());
  std::memcpy(key.data(), &tenant->ordinal, sizeof tenant->ordinal);
  std::memcpy(key.data() + sizeof tenant->ordinal, item_id.data(), item_id.size());
  Shard& shard = ShardOf(key);
  std::lock_guard<std::mutex> lock(shard.mu);
  if (auto found = shard.items.find(std::string_view(key)); found != shard.items.end()) {
    ++found->refs_;
    return &*found;
  }
  const Item& item = *shard.items.emplace(key, tenant).first;
  shard.node_bytes += NodeHeapBytes(item.key_);
  size_.fetch_add(1, std::memory_order_relaxed);
  Account(shard);
  return &item;
}

void ItemTable::Release(const Item* item) {
  Shard& shard = ShardOf(item->key_);
  std::lock_guard<std::mutex> lock(shard.mu);
  if (--item->refs_ > 0) return;
  shard.node_bytes -= NodeHeapBytes(item->key_);
  shard.items.erase(shard.items.find(std::string_view(item->key_)));
  size_.fetch_sub(1, std::memory_order_relaxed);
  Account(shard);
}

void ItemTable::CountOccasion(const Item* item, bool is_return) {
  item->occasions_.fetch_add(1, std::memory_order_relaxed);
  item->tenant_->occasions.fetch_add(1, std::memory_order_relaxed);
  if (is_return) {
    item->returns_.fetch_add(1, std::memory_order_relaxed);
    item->tenant_->returns.fetch_add(1, std::memory_order_relaxed);
  }
}

void ItemTable::Uncount(const Item* item, uint32_t occasions) {
  item->occasions_.fetch_sub(occasions, std::memory_order_relaxed);
  item->returns_.fetch_sub(occasions - 1, std::memory_order_relaxed);
  item->tenant_->occasions.fetch_sub(occasions, std::memory_order_relaxed);
  item->tenant_->returns.fetch_sub(occasions - 1, std::memory_order_relaxed);
}

ReturnCounts ItemTable::Counts(const Item* item) {
  return {item->occasions_.load(std::memory_order_relaxed),
          item->returns_.load(std::memory_order_relaxed)};
}

ReturnCounts ItemTable::TenantCounts(const Item* item) {
  return {item->tenant_->occasions.load(std::memory_order_relaxed),
          item->tenant_->returns.load(std::memory_order_relaxed)};
}

}  // namespace recsys::service
