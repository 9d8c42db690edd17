#include "store/state_loader.h"

#include <chrono>
#include <map>
#include <thread>
#include <unordered_set>

#include "core/parse_number.h"
#include "obs/log.h"
#include "service/roles.h"
#include "store/signal_batch_reader.h"
#include "store/signal_pins.h"
#include "store/signal_versions.h"

namespace recsys::store {
namespace {

using service::ServingState;
using service::TenantState;

}  // namespace

Result<std::string> StateLoader::ChangeMarker() {
  // Any server knows the date: the standby while it is up, else the primary.
  if (read_) conn_.SetUrl(read_->UrlForRead());
  auto conn = conn_.Get();
  auto r = conn.ok() ? conn.value()->Query("SELECT (now() AT TIME ZONE 'UTC')::date::text")
                     : Result<PgResult>(conn.status());
  if (!r.ok()) {
    conn_.Reset();
    if (read_ && read_->ReportUnreachable(conn_.url(), r.status())) return ChangeMarker();
    return r.status();
  }
  return std::string(r.value().Get(0, 0));
}

Status StateLoader::LoadSignalsInParallel(const std::vector<TenantState*>& tenants,
                                          TimestampUs now) {
  const int32_t today = DayOf(now);
  // With live layers the snapshots are bases of closed days: through yesterday, or through the
  // day before when yesterday still has events the builder has not built (the live layers fold
  // yesterday then). A day built meanwhile is in the live layer too: both ways are exact.
  std::unordered_set<std::string> yesterday_dirty;
  if (closed_days_only_ && !tenants.empty()) {
    auto conn = conn_.Get();
    if (!conn.ok()) return conn.status();
    auto dirty = conn.value()->Query(
        "SELECT DISTINCT tenant_id::text FROM signal_dirty_days WHERE day = DATE '1970-01-01' + " +
        std::to_string(today - 1));
    if (!dirty.ok()) {
      conn_.Reset();
      return dirty.status();
    }
    for (int r = 0; r < dirty.value().rows(); ++r) yesterday_dirty.emplace(dirty.value().Get(r, 0));
  }
  auto through_day = [&](const TenantState& tenant) {
    if (!closed_days_only_) return today;
    return yesterday_dirty.contains(tenant.id) ? today - 2 : today - 1;
  };
  // Tenants are read in batches (store/signal_batch_reader.h) of the same last day, which
  // decides their snapshots' days too.
  std::map<int32_t, std::vector<TenantState*>> by_through_day;
  for (TenantState* tenant : tenants) by_through_day[through_day(*tenant)].push_back(tenant);
  struct Batch {
    std::vector<TenantState*> tenants;
    int32_t through_day;
  };
  std::vector<Batch> batches;
  for (auto& [day, group] : by_through_day) {
    for (auto& batch : SplitIntoSignalBatches(group, today, kBatchTenants)) {
      batches.push_back({std::move(batch), day});
    }
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::vector<Status> lane_status(lanes_.size());
  auto run_lane = [&](size_t lane_index) {
    Lane& lane = lanes_[lane_index];
    for (size_t i = next++; i < batches.size() && !failed; i = next++) {
      auto conn = lane.main.Get();
      auto side = conn.ok() ? lane.side.Get() : conn;
      Status s = side.status();
      if (s.ok()) {
        s = ReadSignalBatch(*conn.value(), *side.value(), batches[i].tenants,
                            {today, batches[i].through_day, max_items_});
        if (!side.value()->IsHealthy()) lane.side.Reset();
      }
      if (!s.ok()) {
        if (s.code() == StatusCode::kUnavailable) lane.main.Reset();
        lane_status[lane_index] = s;
        failed = true;
        return;
      }
      for (TenantState* tenant : batches[i].tenants) tenant->signals_loaded_at = now;
    }
  };
  // One batch needs one lane (its co-visitation already loads in parallel); more share them.
  const size_t lanes = std::min(lanes_.size(), batches.size());
  std::vector<std::thread> threads;
  for (size_t l = 1; l < lanes; ++l) threads.emplace_back(run_lane, l);
  if (lanes > 0) run_lane(0);
  for (auto& t : threads) t.join();
  for (const Status& s : lane_status) RETURN_IF_ERROR(s);
  return Status::Ok();
}

std::vector<TenantState*> StateLoader::TakeWarmStarted(std::vector<TenantState*> tenants,
                                                       TimestampUs now) {
  std::vector<TenantState*> cold;
  for (TenantState* tenant : tenants) {
    if (auto saved = warm_start_->Take(*tenant, now)) {
      tenant->snapshots = std::move(saved->snapshots);
      tenant->signals_loaded_at = saved->loaded_at;
      tenant->warm_started = true;
    } else {
      cold.push_back(tenant);
    }
  }
  warm_start_->DiscardRest();
  if (cold.size() != tenants.size()) {
    obs::Log(obs::Level::kInfo, "warm start: serving saved snapshots until reloaded")
        .Int("tenants", static_cast<int64_t>(tenants.size() - cold.size()))
        .Int("cold", static_cast<int64_t>(cold.size()));
  }
  warm_start_.reset();
  return cold;
}

Result<std::vector<TenantState*>> StateLoader::TakePinned(PgConnection& conn,
                                                          std::vector<TenantState*> tenants) {
  std::vector<std::string> ids;
  for (const TenantState* tenant : tenants) ids.push_back(tenant->id);
  auto pins = ReadSignalPins(conn, ids);
  if (!pins.ok()) return pins.status();
  std::vector<TenantState*> unpinned;
  for (TenantState* tenant : tenants) {
    auto pin = pins.value().find(tenant->id);
    if (pin == pins.value().end()) {
      unpinned.push_back(tenant);
      continue;
    }
    auto saved = ReadSignalVersion(conn, tenant->id, pin->second);
    if (!saved.ok()) {
      // Serving the newest signals beats serving none; doctor reports the pin as not served.
      obs::Log(obs::Level::kError, "pinned signal version not readable; serving the newest")
          .Str("tenant", tenant->external_id)
          .Int("version", pin->second)
          .Str("error", saved.status().message());
      if (!conn.IsHealthy()) return saved.status();
      unpinned.push_back(tenant);
      continue;
    }
    tenant->snapshots = std::move(saved.value().snapshots);
    tenant->signals_loaded_at = saved.value().loaded_at;
    tenant->pinned_version = pin->second;
  }
  return unpinned;
}

Result<std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>>>
StateLoader::LoadUnavailable(PgConnection& conn) {
  auto rows =
      conn.Query("SELECT tenant_id::text, namespace, item_id FROM item_tags WHERE NOT available");
  if (!rows.ok()) return rows.status();
  std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> out;
  for (int r = 0; r < rows.value().rows(); ++r) {
    out[std::string(rows.value().Get(r, 0))].emplace_back(rows.value().Get(r, 1),
                                                          rows.value().Get(r, 2));
  }
  return out;
}

namespace {

// An item is unavailable on a surface when the catalog says so for that namespace or for
// `default`, where shops keep one catalog for every surface.
void MarkUnavailable(TenantState& tenant,
                     const std::vector<std::pair<std::string, std::string>>& items) {
  for (const auto& [ns, snapshot] : tenant.snapshots) {
    std::vector<bool> bitmap;
    for (const auto& [item_ns, item_id] : items) {
      if (item_ns != ns && item_ns != "default") continue;
      auto index = snapshot->Find(item_id);
      if (!index) continue;
      if (bitmap.empty()) bitmap.assign(snapshot->item_count(), false);
      bitmap[*index] = true;
    }
    if (!bitmap.empty()) tenant.unavailable.emplace(snapshot.get(), std::move(bitmap));
  }
}

// One row of kTenantRowsSql as a tenant without signals. A stored config or rules that no longer
// validate are logged and replaced by the defaults / no rules: one bad document must not take the
// tenant down. An unknown status label (a newer schema's) is not served.
constexpr const char* kTenantRowsSql =
    "SELECT t.id, t.external_id, t.status, cv.config::text, cv.etag, rv.rules::text, rv.etag "
    "FROM tenants t "
    "LEFT JOIN tenant_configs_current cc ON cc.tenant_id = t.id "
    "LEFT JOIN tenant_config_versions cv ON cv.id = cc.config_version_id "
    "LEFT JOIN tenant_rules_current rc ON rc.tenant_id = t.id "
    "LEFT JOIN tenant_rule_versions rv ON rv.id = rc.rules_version_id";

std::shared_ptr<TenantState> TenantFromRow(const PgResult& rows, int r) {
  auto tenant = std::make_shared<TenantState>();
  tenant->id = rows.Get(r, 0);
  tenant->external_id = rows.Get(r, 1);
  tenant->status =
      service::ParseTenantStatus(rows.Get(r, 2)).value_or(service::TenantStatus::kSuspended);
  if (!rows.IsNull(r, 3)) {
    auto config = ParseTenantConfig(rows.Get(r, 3));
    if (!config.ok()) {
      obs::Log(obs::Level::kError, "stored config invalid; serving defaults")
          .Str("tenant", tenant->external_id)
          .Str("error", config.status().message());
    } else {
      tenant->config = std::move(config).value();
    }
    tenant->config_etag = rows.Get(r, 4);
  }
  if (!rows.IsNull(r, 5)) {
    auto rules = ParseRules(rows.Get(r, 5));
    if (!rules.ok()) {
      obs::Log(obs::Level::kError, "stored rules invalid; serving without rules")
          .Str("tenant", tenant->external_id)
          .Str("error", rules.status().message());
    } else {
      tenant->rules = std::move(rules).value();
    }
    tenant->rules_etag = rows.Get(r, 6);
  }
  return tenant;
}

// Whether `tenant` keeps `old`'s snapshots: `reload` does not cover it, it was served, and the
// config did not change what snapshots depend on (the decay half-life and co-visitation window).
bool KeepsSnapshots(const TenantState* old, const service::SignalReload& reload,
                    const TenantState& tenant) {
  return !reload.Covers(tenant.external_id) && old != nullptr && old->active() &&
         old->config.ranking.half_life_days == tenant.config.ranking.half_life_days &&
         old->config.ranking.covisit_window_days == tenant.config.ranking.covisit_window_days;
}

void CopySignals(const TenantState& old, TenantState& tenant) {
  tenant.snapshots = old.snapshots;
  tenant.signals_loaded_at = old.signals_loaded_at;
  tenant.warm_started = old.warm_started;
  tenant.from_shared_snapshot = old.from_shared_snapshot;
  tenant.signal_version = old.signal_version;
  tenant.pinned_version = old.pinned_version;
}

// The unrevoked API keys, by key hash, into `state`.
Status ReadApiKeys(PgConnection& conn, ServingState& state) {
  auto keys = conn.Query(
      "SELECT k.id, k.key_hash, t.external_id, array_to_string(k.roles, ','), "
      "(extract(epoch FROM k.expires_at) * 1000000)::bigint "
      "FROM tenant_api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.revoked_at IS NULL");
  if (!keys.ok()) return keys.status();
  const PgResult& k = keys.value();
  for (int r = 0; r < k.rows(); ++r) {
    service::ApiKeyEntry entry{
        std::string(k.Get(r, 0)), std::string(k.Get(r, 2)), service::SplitRoles(k.Get(r, 3)), {}};
    if (!k.IsNull(r, 4)) entry.expires_at = ParseInt64(k.Get(r, 4)).value_or(0);
    state.api_keys.emplace(std::string(k.Get(r, 1)), std::move(entry));
  }
  return Status::Ok();
}

void LogLoaded(const ServingState& state, const service::SignalReload& reload,
               std::chrono::steady_clock::time_point started) {
  size_t items = 0;
  for (const auto& [external_id, tenant] : state.tenants) {
    for (const auto& [ns, snapshot] : tenant->snapshots) items += snapshot->item_count();
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  obs::Log(obs::Level::kInfo, "serving state loaded")
      .Int("tenants", static_cast<int64_t>(state.tenants.size()))
      .Int("items", static_cast<int64_t>(items))
      .Bool("signals_reloaded", reload.all)
      .Int("tenants_reloaded", static_cast<int64_t>(reload.tenants.size()))
      .Int("duration_ms", ms);
}

}  // namespace

Result<std::shared_ptr<const ServingState>> StateLoader::Load(const ServingState* previous,
                                                              const service::SignalReload& reload,
                                                              TimestampUs now) {
  if (!read_) return LoadHere(previous, reload, now);
  const std::string url = read_->UrlForConsistentRead();
  Retarget(url);
  auto state = LoadHere(previous, reload, now);
  // A standby that went away: the primary at once, not at the next refresh.
  if (!state.ok() && read_->ReportUnreachable(url, state.status())) {
    Retarget(read_->primary_url());
    state = LoadHere(previous, reload, now);
  }
  return state;
}

void StateLoader::Retarget(const std::string& url) {
  conn_.SetUrl(url);
  for (Lane& lane : lanes_) {
    lane.main.SetUrl(url);
    lane.side.SetUrl(url);
  }
}

Result<std::shared_ptr<const ServingState>> StateLoader::LoadHere(
    const ServingState* previous, const service::SignalReload& reload, TimestampUs now) {
  auto conn = conn_.Get();
  if (!conn.ok()) return conn.status();
  const auto started = std::chrono::steady_clock::now();
  auto state = std::make_shared<ServingState>();
  state->loaded_at = now;
  state->signals_loaded = true;
  std::vector<std::shared_ptr<const TenantState>> read_from_rows;
  if (Status s = LoadInto(*conn.value(), previous, reload, now, *state, read_from_rows); !s.ok()) {
    conn_.Reset();
    return s;
  }
  // Offered once the state is complete: from here on the tenants are never changed.
  for (auto& tenant : read_from_rows) shared_->Offer(std::move(tenant));
  // A one-tenant state (doctor, a signal version being kept) is not what serving publishes.
  if (!reload.only) LogLoaded(*state, reload, started);
  return std::shared_ptr<const ServingState>(std::move(state));
}

Status StateLoader::LoadInto(PgConnection& conn, const ServingState* previous,
                             const service::SignalReload& reload, TimestampUs now,
                             ServingState& state,
                             std::vector<std::shared_ptr<const TenantState>>& read_from_rows) {
  auto rows = conn.Query(kTenantRowsSql);
  if (!rows.ok()) return rows.status();
  auto unavailable = LoadUnavailable(conn);
  if (!unavailable.ok()) return unavailable.status();
  std::vector<std::shared_ptr<TenantState>> tenants;
  std::vector<TenantState*> to_load;
  for (int r = 0; r < rows.value().rows(); ++r) {
    if (reload.only && !reload.Covers(rows.value().Get(r, 1))) continue;
    std::shared_ptr<TenantState> tenant = TenantFromRow(rows.value(), r);
    const TenantState* old = previous ? previous->Find(tenant->external_id) : nullptr;
    if (KeepsSnapshots(old, reload, *tenant)) {
      CopySignals(*old, *tenant);
    } else if (tenant->active()) {
      to_load.push_back(tenant.get());
    }
    tenants.push_back(std::move(tenant));
  }
  auto loaded = ReadSignals(conn, std::move(to_load), now);
  if (!loaded.ok()) return loaded.status();
  if (shared_) {
    const std::unordered_set<const TenantState*> from_rows(loaded.value().begin(),
                                                           loaded.value().end());
    for (const auto& tenant : tenants) {
      if (from_rows.count(tenant.get())) read_from_rows.push_back(tenant);
    }
  }
  for (auto& tenant : tenants) {
    if (auto it = unavailable.value().find(tenant->id); it != unavailable.value().end()) {
      MarkUnavailable(*tenant, it->second);
    }
    state.tenants.emplace(tenant->external_id, std::move(tenant));
  }
  return ReadApiKeys(conn, state);
}

Result<std::vector<TenantState*>> StateLoader::ReadSignals(PgConnection& conn,
                                                           std::vector<TenantState*> tenants,
                                                           TimestampUs now) {
  if (pins_ && !tenants.empty()) {
    auto unpinned = TakePinned(conn, std::move(tenants));
    if (!unpinned.ok()) return unpinned.status();
    tenants = std::move(unpinned).value();
  }
  if (warm_start_) tenants = TakeWarmStarted(std::move(tenants), now);
  if (shared_) {
    auto cold = shared_->Take(conn, tenants, now);
    if (!cold.ok()) return cold.status();
    tenants = std::move(cold).value();
  }
  RETURN_IF_ERROR(LoadSignalsInParallel(tenants, now));
  return tenants;
}

}  // namespace recsys::store
