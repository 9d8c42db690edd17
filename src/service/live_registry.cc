#include "service/live_registry.h"

#include <algorithm>
#include <mutex>

namespace recsys::service {
namespace {

std::shared_ptr<const SignalSnapshot> EmptyBase(TimestampUs now, double half_life_days) {
  const int32_t today = DayOf(now);
  SnapshotBuilder builder(today, half_life_days);
  builder.SetThroughDay(today - 1);
  return builder.Build();
}

std::vector<bool> UnavailableOf(const TenantState& tenant, const SignalSnapshot* snapshot) {
  const std::vector<bool>* unavailable = tenant.UnavailableIn(snapshot);
  return unavailable != nullptr ? *unavailable : std::vector<bool>();
}

bool SameParams(const LiveParams& a, const LiveParams& b) {
  return a.event_weights == b.event_weights && a.half_life_days == b.half_life_days;
}

}  // namespace

LiveParams LiveRegistry::ParamsOf(const TenantConfig& config) {
  LiveParams params;
  std::copy(std::begin(config.signals.event_weights), std::end(config.signals.event_weights),
            params.event_weights.begin());
  params.half_life_days = config.ranking.half_life_days;
  return params;
}

std::shared_ptr<LiveSignals> LiveRegistry::Find(std::string_view tenant_id,
                                                std::string_view ns) const {
  std::shared_lock lock(mu_);
  auto tenant = tenants_.find(tenant_id);
  if (tenant == tenants_.end()) return nullptr;
  auto layer = tenant->second.find(ns);
  return layer == tenant->second.end() ? nullptr : layer->second;
}

size_t LiveRegistry::Apply(const TenantState& tenant, std::string_view ns,
                           std::span<const LiveEvent> events, TimestampUs now) {
  std::shared_ptr<LiveSignals> layer = Find(tenant.id, ns);
  if (layer == nullptr) {
    auto snapshot = tenant.snapshots.find(ns);
    const LiveParams params = ParamsOf(tenant.config);
    layer = snapshot != tenant.snapshots.end()
                ? std::make_shared<LiveSignals>(params, snapshot->second,
                                                UnavailableOf(tenant, snapshot->second.get()))
                : std::make_shared<LiveSignals>(params, EmptyBase(now, params.half_life_days));
    bytes_.fetch_add(layer->MemoryBytes(), std::memory_order_relaxed);
    std::unique_lock lock(mu_);
    tenants_[tenant.id][std::string(ns)] = layer;
  }
  const size_t before = layer->MemoryBytes();
  const size_t others = bytes_.load(std::memory_order_relaxed) - before;
  const uint64_t refused_before = layer->refused();
  const size_t folded = layer->Apply(events, max_bytes_ - std::min(max_bytes_, others));
  bytes_.fetch_add(layer->MemoryBytes() - before, std::memory_order_relaxed);  // mod 2^64
  refused_.fetch_add(layer->refused() - refused_before, std::memory_order_relaxed);
  folded_.fetch_add(folded, std::memory_order_relaxed);
  return folded;
}

void LiveRegistry::Sync(const ServingState& state) {
  const ServingState::TenantsById by_id = state.ActiveTenantsById();
  std::unique_lock lock(mu_);
  for (auto tenant = tenants_.begin(); tenant != tenants_.end();) {
    auto found = by_id.find(tenant->first);
    if (found == by_id.end()) {
      Forget(tenant->second);
      tenant = tenants_.erase(tenant);
      continue;
    }
    const TenantState& current = *found->second;
    const LiveParams params = ParamsOf(current.config);
    Namespaces& layers = tenant->second;
    if (!layers.empty() && !SameParams(layers.begin()->second->params(), params)) {
      refolds_.push_back(tenant->first);
      Forget(layers);
      tenant = tenants_.erase(tenant);
      continue;
    }
    for (auto& [ns, layer] : layers) {
      auto snapshot = current.snapshots.find(ns);
      if (snapshot != current.snapshots.end() && snapshot->second != layer->base()) {
        const size_t before = layer->MemoryBytes();
        layer->SetBase(snapshot->second, UnavailableOf(current, snapshot->second.get()));
        bytes_.fetch_add(layer->MemoryBytes() - before, std::memory_order_relaxed);
      }
    }
    ++tenant;
  }
}

std::vector<std::string> LiveRegistry::TakeRefolds() { return std::exchange(refolds_, {}); }

void LiveRegistry::Forget(const Namespaces& layers) {
  for (const auto& [ns, layer] : layers) {
    bytes_.fetch_sub(layer->MemoryBytes(), std::memory_order_relaxed);
  }
}

size_t LiveRegistry::layers() const {
  std::shared_lock lock(mu_);
  size_t count = 0;
  for (const auto& [tenant, layers] : tenants_) count += layers.size();
  return count;
}

}  // namespace recsys::service
