// Everything serving reads, immutable once built: the tenants with their compiled config and
// rules, and per namespace a signal snapshot.
//
// StateHolder publishes the current ServingState; readers take a shared_ptr once per request and
// never lock while ranking. Get() and Publish() are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/rules.h"
#include "core/snapshot.h"
#include "core/string_hash.h"
#include "core/tenant_config.h"
#include "core/time.h"
#include "service/tenant_status.h"

namespace recsys::service {

struct TenantState {
  std::string id;           // tenants.id (uuid)
  std::string external_id;  // what clients send
  TenantStatus status = TenantStatus::kActive;
  bool active() const { return status == TenantStatus::kActive; }
  TenantConfig config;
  std::string config_etag;  // empty when the tenant has no config yet (defaults apply)
  std::vector<Rule> rules;
  std::string rules_etag;
  using Snapshots = std::unordered_map<std::string, std::shared_ptr<const SignalSnapshot>,
                                       StringHash, std::equal_to<>>;
  Snapshots snapshots;  // by namespace
  // Per snapshot: the items the catalog marks unavailable (by ItemIndex), never served. A
  // snapshot with none has no entry.
  std::unordered_map<const SignalSnapshot*, std::vector<bool>> unavailable;
  TimestampUs signals_loaded_at = 0;  // when `snapshots` were read from the database
  // The snapshots came from a warm-start file: serving, but a reload from the database is due.
  bool warm_started = false;
  // The snapshots came from a current shared snapshot (store/shared_snapshots.h).
  bool from_shared_snapshot = false;
  // tenant_signal_versions.version read before the signal rows were (-1: not read).
  int64_t signal_version = -1;
  // The snapshots are the kept signal version this tenant is pinned to (store/signal_pins.h),
  // not the newest build; 0: not pinned. A pinned tenant is served without its live layer.
  int64_t pinned_version = 0;

  // The snapshot for `surface`, else the `default` namespace's (setting *fell_back), else null.
  const SignalSnapshot* SnapshotFor(std::string_view surface, bool* fell_back) const;
  // The unavailable-items bitmap of `snapshot` (one of `snapshots`), or null when all are
  // available.
  const std::vector<bool>* UnavailableIn(const SignalSnapshot* snapshot) const;
};

// Which tenants' signal snapshots a load must read again (the others are reused when their
// decay parameters did not change).
struct SignalReload {
  bool all = false;
  std::vector<std::string> tenants;  // external ids
  bool only = false;  // load only the tenants listed (a one-tenant state, e.g. for `doctor`)

  static SignalReload All() {
    SignalReload reload;
    reload.all = true;
    return reload;
  }
  bool Covers(std::string_view external_id) const;
  bool empty() const { return !all && tenants.empty(); }
};

struct ApiKeyEntry {
  std::string id;      // tenant_api_keys.id
  std::string tenant;  // external id
  std::vector<std::string> roles;
  std::optional<TimestampUs> expires_at;
};

struct ServingState {
  std::unordered_map<std::string, std::shared_ptr<const TenantState>, StringHash, std::equal_to<>>
      tenants;  // by external id
  // Unrevoked API keys by key_hash (hex HMAC), so authentication needs no SQL.
  std::unordered_map<std::string, ApiKeyEntry, StringHash, std::equal_to<>> api_keys;
  TimestampUs loaded_at = 0;
  bool signals_loaded = false;

  const TenantState* Find(std::string_view external_id) const;
  // Find, but only an active tenant; null otherwise (answer kTenantNotServable).
  const TenantState* FindActive(std::string_view external_id) const {
    const TenantState* tenant = Find(external_id);
    return tenant != nullptr && tenant->active() ? tenant : nullptr;
  }
  // The active tenants by TenantState::id (the uuid the event log and live layers use). The
  // views and pointers are into this state: valid while it is alive.
  using TenantsById = std::unordered_map<std::string_view, const TenantState*>;
  TenantsById ActiveTenantsById() const;
};

class StateHolder {
 public:
  std::shared_ptr<const ServingState> Get() const { return state_.load(std::memory_order_acquire); }
  void Publish(std::shared_ptr<const ServingState> state) {
    state_.store(std::move(state), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const ServingState>> state_{std::make_shared<const ServingState>()};
};

}  // namespace recsys::service
