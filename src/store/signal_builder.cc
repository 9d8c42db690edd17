#include "store/signal_builder.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/tenant_config.h"
#include "core/time.h"
#include "obs/log.h"
#include "store/change_notice.h"
#include "store/signal_day.h"
#include "store/signal_versions.h"
#include "store/state_loader.h"

namespace recsys::store {
namespace {

constexpr int64_t kBuilderLockKey = 0x7265637362756c64;  // "recsbuld"
// Days are built side by side, one connection each: PostgreSQL runs a statement on one core, and
// while one day waits for the server another aggregates here. Measured: both cores busy with 2 on
// a 2-core machine; more cores take more days at once.
int Workers() { return std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 2, 8); }

// $1 tenant, $2 first day, and (not `full`) $3 how old today's oldest mark must be.
std::vector<PgParam> DayQueryParams(const std::string& tenant_id, const std::string& since,
                                    const SignalBuildOptions& options) {
  std::vector<PgParam> params{tenant_id, since};
  if (!options.full) params.emplace_back(std::to_string(options.today_after_s));
  return params;
}

}  // namespace

void SignalBuildReport::Add(const SignalBuildReport& other) {
  days += other.days;
  events += other.events;
  popularity_rows += other.popularity_rows;
  covisit_rows += other.covisit_rows;
  sequence_rows += other.sequence_rows;
  versions += other.versions;
  times.read_s += other.times.read_s;
  times.aggregate_s += other.times.aggregate_s;
  times.write_s += other.times.write_s;
  times.index_s += other.times.index_s;
  times.swap_s += other.times.swap_s;
}

Status SignalBuilder::BuildTenant(PgConnection& conn, const std::string& tenant_id,
                                  const std::string& external_id, const std::string& config_json,
                                  const SignalBuildOptions& options, SignalBuildReport& report,
                                  const Progress& progress) {
  SignalParams params;
  if (!config_json.empty()) {
    auto config = ParseTenantConfig(config_json);
    if (config.ok()) params = config.value().signals;
  }
  const std::string since = options.since ? FormatDate(*options.since) : "1970-01-01";
  auto days = conn.Query(
      options.full
          ? "SELECT DISTINCT (occurred_at AT TIME ZONE 'UTC')::date::text AS day "
            "FROM interaction_events WHERE tenant_id = $1 AND occurred_at >= "
            "$2::date::timestamp AT TIME ZONE 'UTC' "
            "UNION SELECT day::text FROM signal_dirty_days WHERE tenant_id = $1 AND day >= $2 "
            "ORDER BY 1"
          : "SELECT day::text FROM signal_dirty_days WHERE tenant_id = $1 AND day >= $2 "
            "GROUP BY day HAVING day < (now() AT TIME ZONE 'UTC')::date "
            "OR min(marked_at) <= now() - $3::bigint * interval '1 second' ORDER BY 1",
      DayQueryParams(tenant_id, since, options));
  if (!days.ok()) return days.status();
  std::vector<std::string> todo;
  for (int d = 0; d < days.value().rows(); ++d) todo.emplace_back(days.value().Get(d, 0));
  const int total = static_cast<int>(todo.size());
  if (total > 0) RETURN_IF_ERROR(EnsureDayPartitions(conn, todo));
  // Days are independent: Workers() connections build them side by side.
  std::atomic<int> next{0}, done{0};
  SignalBuildReport built;  // this tenant's
  std::mutex mu;            // guards built, first_error and progress
  Status first_error = Status::Ok();
  auto work = [&] {
    auto worker = PgConnection::Connect(url_, kCommandConnectTimeoutS);
    if (!worker.ok()) {
      std::lock_guard<std::mutex> lock(mu);
      if (first_error.ok()) first_error = worker.status();
      return;
    }
    PgConnection& c = worker.value();
    SignalBuildReport mine;
    for (int d = next++; d < total; d = next++) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!first_error.ok()) break;
      }
      Status built = BuildSignalDay(c, tenant_id, todo[d], params, options.method, mine);
      std::lock_guard<std::mutex> lock(mu);
      if (!built.ok()) {
        if (first_error.ok()) first_error = built;
        break;
      }
      ++mine.days;
      if (progress) progress(external_id, *ParseDate(todo[d]), ++done, total);
    }
    std::lock_guard<std::mutex> lock(mu);
    built.Add(mine);
  };
  std::vector<std::thread> workers;
  for (int w = 0; w < std::min(Workers(), total); ++w) workers.emplace_back(work);
  for (std::thread& t : workers) t.join();
  report.Add(built);
  RETURN_IF_ERROR(first_error);
  // Live layers serve today: only a closed day changes what instances load.
  const int32_t today = DayOf(NowUs());
  const bool announce = std::any_of(todo.begin(), todo.end(), [&](const std::string& day) {
    return options.full || options.today_after_s == 0 || ParseDate(day).value_or(today) < today;
  });
  if (!announce) return Status::Ok();
  RETURN_IF_ERROR(SendChangeNotice(conn, {external_id, ChangeScope::kSignals}));
  if (options.versions_keep > 0) KeepVersion(conn, external_id, todo, built, options, report);
  return Status::Ok();
}

void SignalBuilder::KeepVersion(PgConnection& conn, const std::string& external_id,
                                const std::vector<std::string>& days,
                                const SignalBuildReport& built, const SignalBuildOptions& options,
                                SignalBuildReport& report) {
  // The base exactly as an instance reads it from the rows just written.
  StateLoader loader(url_);
  if (options.live_layers) loader.UseLiveLayers();
  loader.LimitItems(options.max_items);
  service::SignalReload reload;
  reload.tenants = {external_id};
  reload.only = true;
  auto state = loader.Load(nullptr, reload, NowUs());
  const service::TenantState* tenant = state.ok() ? state.value()->Find(external_id) : nullptr;
  Result<StoredSignalVersion> stored = Status::NotFound("tenant not loaded");
  if (!state.ok()) stored = state.status();
  if (tenant != nullptr) {
    service::SignalBuildManifest manifest{
        options.trigger,    options.built_by,   days, built.events, built.popularity_rows,
        built.covisit_rows, built.sequence_rows};
    stored = StoreSignalVersion(conn, *tenant, manifest, options.versions_keep);
  }
  if (!stored.ok()) {
    obs::Log(obs::Level::kWarn, "signal version not kept; rollback to this build is not possible")
        .Str("tenant", external_id)
        .Str("error", stored.status().message());
    return;
  }
  ++report.versions;
  obs::Log(obs::Level::kInfo, "signal version kept")
      .Str("tenant", external_id)
      .Int("version", stored.value().version)
      .Int("pruned", stored.value().pruned);
}

Result<SignalBuildReport> SignalBuilder::Run(const SignalBuildOptions& options,
                                             const Progress& progress) {
  auto conn_or = conn_.Get();
  if (!conn_or.ok()) return conn_or.status();
  PgConnection& conn = *conn_or.value();
  ReconnectingConnection& lock_holder = lock_conn_ ? *lock_conn_ : conn_;
  auto lock_conn = lock_holder.Get();
  if (!lock_conn.ok()) return lock_conn.status();
  PgConnection& lock = *lock_conn.value();
  auto locked =
      lock.Query("SELECT pg_try_advisory_lock($1::bigint)", {std::to_string(kBuilderLockKey)});
  if (!locked.ok()) {
    lock_holder.Reset();
    return locked.status();
  }
  if (locked.value().Get(0, 0) != "t") {
    return Status::Conflict("another signal builder is running (advisory lock held)");
  }
  SignalBuildReport report;
  Status status = Status::Ok();
  auto tenants = conn.Query(
      "SELECT t.id, t.external_id, coalesce(v.config::text, '') FROM tenants t "
      "LEFT JOIN tenant_configs_current c ON c.tenant_id = t.id "
      "LEFT JOIN tenant_config_versions v ON v.id = c.config_version_id "
      "WHERE t.status = 'active' AND ($1 = '' OR t.external_id = $1) ORDER BY t.external_id",
      {options.tenant});
  if (!tenants.ok()) {
    status = tenants.status();
  } else if (!options.tenant.empty() && tenants.value().rows() == 0) {
    status = Status::NotFound("tenant " + options.tenant + " does not exist or is not active");
  } else {
    for (int t = 0; t < tenants.value().rows() && status.ok(); ++t) {
      status = BuildTenant(conn, std::string(tenants.value().Get(t, 0)),
                           std::string(tenants.value().Get(t, 1)),
                           std::string(tenants.value().Get(t, 2)), options, report, progress);
      ++report.tenants;
    }
  }
  if (!lock.Query("SELECT pg_advisory_unlock($1::bigint)", {std::to_string(kBuilderLockKey)})
           .ok() ||
      !status.ok()) {
    // A lost connection releases the lock; a failed one must not keep it.
    lock_holder.Reset();
    conn_.Reset();
  }
  if (!status.ok()) return status;
  return report;
}

}  // namespace recsys::store
