#include "service/serving_state.h"

namespace recsys::service {

const SignalSnapshot* TenantState::SnapshotFor(std::string_view surface, bool* fell_back) const {
  *fell_back = false;
  if (auto it = snapshots.find(surface); it != snapshots.end() && !it->second->empty()) {
    return it->second.get();
  }
  if (surface != "default") {
    if (auto it = snapshots.find(std::string_view("default")); it != snapshots.end()) {
      *fell_back = true;
      return it->second.get();
    }
  }
  return nullptr;
}

const std::vector<bool>* TenantState::UnavailableIn(const SignalSnapshot* snapshot) const {
  auto it = unavailable.find(snapshot);
  return it == unavailable.end() ? nullptr : &it->second;
}

bool SignalReload::Covers(std::string_view external_id) const {
  if (all) return true;
  for (const std::string& tenant : tenants) {
    if (tenant == external_id) return true;
  }
  return false;
}

const TenantState* ServingState::Find(std::string_view external_id) const {
  auto it = tenants.find(external_id);
  return it == tenants.end() ? nullptr : it->second.get();
}

ServingState::TenantsById ServingState::ActiveTenantsById() const {
  TenantsById by_id;
  for (const auto& [external_id, tenant] : tenants) {
    if (tenant->active()) by_id.emplace(tenant->id, tenant.get());
  }
  return by_id;
}

}  // namespace recsys::service
