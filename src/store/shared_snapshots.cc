#include "store/shared_snapshots.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "core/parse_number.h"
#include "core/str_format.h"
#include "obs/log.h"
#include "store/connection_defaults.h"
#include "store/saved_snapshots.h"
#include "store/snapshot_parts.h"

namespace recsys::store {

using service::TenantState;

size_t SnapshotBytes(const TenantState& tenant) {
  size_t bytes = 0;
  for (const auto& [ns, snapshot] : tenant.snapshots) bytes += snapshot->MemoryBytes();
  return bytes;
}

SharedSnapshots::SharedSnapshots(SharedSnapshotOptions options)
    : options_(std::move(options)), format_(SavedSnapshotsFormat()) {}

SharedSnapshots::~SharedSnapshots() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    waiting_.clear();
  }
  changed_.notify_all();
  if (writer_.joinable()) writer_.join();
}

namespace {

// A stored snapshot's row in tenant_snapshots, with the tenant's current version beside it.
struct Stored {
  int64_t current_version = 0;
  bool present = false;
  int64_t signal_version = 0;
  SnapshotKey key;
  int64_t bytes = 0;
};

// The tenant_snapshots rows of `tenants` in `format`, by tenant id (every tenant has an entry).
Result<std::unordered_map<std::string, Stored>> ReadStoredRows(
    PgConnection& conn, const std::vector<TenantState*>& tenants, const std::string& format) {
  std::string ids = "{";
  for (const TenantState* t : tenants) ids += (ids.size() > 1 ? "," : "") + t->id;
  ids += "}";
  auto rows = conn.Query(
      "SELECT t.id::text, coalesce(v.version, 0), s.signal_version, s.day, s.half_life_days, "
      "       s.covisit_window_days, s.bytes "
      "FROM unnest($1::uuid[]) AS t(id) "
      "LEFT JOIN tenant_signal_versions v ON v.tenant_id = t.id "
      "LEFT JOIN tenant_snapshots s ON s.tenant_id = t.id AND s.format = $2",
      {ids, format});
  if (!rows.ok()) return rows.status();
  std::unordered_map<std::string, Stored> stored;
  const PgResult& res = rows.value();
  for (int r = 0; r < res.rows(); ++r) {
    Stored& s = stored[std::string(res.Get(r, 0))];
    s.current_version = ParseInt64(res.Get(r, 1)).value_or(0);
    if (res.IsNull(r, 2)) continue;
    s.present = true;
    s.signal_version = ParseInt64(res.Get(r, 2)).value_or(-1);
    s.key.day = static_cast<int32_t>(ParseInt64(res.Get(r, 3)).value_or(0));
    s.key.half_life_days = ParseFiniteDouble(res.Get(r, 4)).value_or(0);
    s.key.covisit_window_days = static_cast<int32_t>(ParseInt64(res.Get(r, 5)).value_or(0));
    s.bytes = ParseInt64(res.Get(r, 6)).value_or(0);
  }
  return stored;
}

}  // namespace

Result<std::vector<TenantState*>> SharedSnapshots::Take(PgConnection& conn,
                                                        std::vector<TenantState*> tenants,
                                                        TimestampUs now) {
  if (tenants.empty()) return tenants;
  // One snapshot of the database for the versions and the stored parts, so parts stored by
  // another instance meanwhile are never mixed in.
  RETURN_IF_ERROR(conn.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  auto read_rows = ReadStoredRows(conn, tenants, format_);
  if (!read_rows.ok()) {
    (void)conn.Exec("ROLLBACK");
    return read_rows.status();
  }
  std::unordered_map<std::string, Stored>& stored = read_rows.value();
  std::vector<TenantState*> cold;
  int64_t served = 0, served_bytes = 0;
  const auto started = std::chrono::steady_clock::now();
  for (TenantState* tenant : tenants) {
    const Stored& s = stored[tenant->id];
    tenant->signal_version = s.current_version;
    if (!s.present || s.signal_version != s.current_version ||
        s.key != SnapshotKeyOf(*tenant, now)) {
      cold.push_back(tenant);
      continue;
    }
    std::string bytes;
    Status read = ReadSnapshotParts(
        conn,
        "SELECT data FROM tenant_snapshot_parts WHERE tenant_id = $1 AND format = $2 ORDER BY part",
        {tenant->id, format_}, s.bytes, bytes);
    auto saved =
        read.ok() ? DecodeTenantSnapshots(bytes, tenant->id) : Result<SavedSnapshots>(read);
    if (!saved.ok()) {
      obs::Log(obs::Level::kWarn, "shared snapshot not used; loading from the signal tables")
          .Str("tenant", tenant->external_id)
          .Str("error", saved.status().message());
      if (!read.ok()) {
        (void)conn.Exec("ROLLBACK");
        return read;
      }
      cold.push_back(tenant);
      continue;
    }
    tenant->snapshots = std::move(saved.value().snapshots);
    tenant->signals_loaded_at = saved.value().loaded_at;
    tenant->from_shared_snapshot = true;
    ++served;
    served_bytes += static_cast<int64_t>(bytes.size());
  }
  RETURN_IF_ERROR(conn.Exec("COMMIT"));
  if (served > 0) {
    obs::Log(obs::Level::kInfo, "shared snapshots: serving stored snapshots")
        .Int("tenants", served)
        .Int("bytes", served_bytes)
        .Int("duration_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count());
  }
  return cold;
}

Result<bool> SharedSnapshots::Store(PgConnection& conn, const TenantState& tenant) {
  const size_t size = SnapshotBytes(tenant);
  if (tenant.signal_version < 0 || tenant.snapshots.empty() || size < options_.min_bytes) {
    return false;
  }
  const SnapshotKey key = SnapshotKeyOf(tenant, tenant.signals_loaded_at);
  const std::string version = std::to_string(tenant.signal_version);
  RETURN_IF_ERROR(conn.Exec("BEGIN"));
  auto body = [&]() -> Result<bool> {
    // Instances that loaded the same rows would all store the same bytes: one does.
    // Stored already at this version, or recently at any: nothing to do.
    auto claimed = conn.Query(
        R"sql(
        SELECT pg_try_advisory_xact_lock(hashtextextended('recsys.tenant_snapshots:' || $1::text, 0))
           AND coalesce((SELECT version FROM tenant_signal_versions WHERE tenant_id = $1::uuid), 0)
               = $2::bigint
           AND NOT EXISTS (
                 SELECT 1 FROM tenant_snapshots
                  WHERE tenant_id = $1::uuid AND format = $3
                    AND ((signal_version = $2::bigint AND day = $4::integer
                          AND half_life_days = $5::double precision
                          AND covisit_window_days = $6::integer)
                         OR stored_at > now() - make_interval(secs => $7::double precision))))sql",
        {tenant.id, version, format_, std::to_string(key.day),
         StrFormat("%.17g", key.half_life_days), std::to_string(key.covisit_window_days),
         std::to_string(options_.min_store_interval_s)});
    if (!claimed.ok()) return claimed.status();
    if (claimed.value().Get(0, 0) != "t") return false;
    RETURN_IF_ERROR(conn.Query("DELETE FROM tenant_snapshots WHERE tenant_id = $1 AND format = $2",
                               {tenant.id, format_})
                        .status());
    RETURN_IF_ERROR(conn.Query("INSERT INTO tenant_snapshots (tenant_id, format, signal_version, "
                               "day, half_life_days, covisit_window_days, bytes, parts) "
                               "VALUES ($1, $2, $3, $4, $5, $6, 0, 0)",
                               {tenant.id, format_, version, std::to_string(key.day),
                                StrFormat("%.17g", key.half_life_days),
                                std::to_string(key.covisit_window_days)})
                        .status());
    // The form streams into parts of part_bytes, each inserted as it fills.
    auto written = WriteSnapshotParts(conn, tenant, options_.part_bytes,
                                      "INSERT INTO tenant_snapshot_parts (tenant_id, format, part, "
                                      "data) VALUES ($1, $2, $3, $4)",
                                      {tenant.id, format_});
    if (!written.ok()) return written.status();
    const int64_t total = written.value().bytes;
    const int parts = written.value().parts;
    RETURN_IF_ERROR(conn.Query("UPDATE tenant_snapshots SET bytes = $3, parts = $4 "
                               "WHERE tenant_id = $1 AND format = $2",
                               {tenant.id, format_, std::to_string(total), std::to_string(parts)})
                        .status());
    return true;
  };
  Result<bool> stored = body();
  if (!stored.ok() || !stored.value()) {
    (void)conn.Exec("ROLLBACK");
    return stored;
  }
  RETURN_IF_ERROR(conn.Exec("COMMIT"));
  return true;
}

void SharedSnapshots::Offer(std::shared_ptr<const TenantState> tenant) {
  if (!tenant || tenant->signal_version < 0 || SnapshotBytes(*tenant) < options_.min_bytes) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return;
  waiting_[tenant->id] = std::move(tenant);
  if (!writer_.joinable()) writer_ = std::thread([this] { WriterLoop(); });
  changed_.notify_all();
}

void SharedSnapshots::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return waiting_.empty() && !storing_; });
}

void SharedSnapshots::WriterLoop() {
  ReconnectingConnection conn(options_.database_url, kCommandConnectTimeoutS);
  for (;;) {
    std::shared_ptr<const TenantState> tenant;
    {
      std::unique_lock<std::mutex> lock(mu_);
      storing_ = false;
      changed_.notify_all();
      changed_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
      if (stopping_) return;
      tenant = std::move(waiting_.begin()->second);
      waiting_.erase(waiting_.begin());
      storing_ = true;
    }
    const auto started = std::chrono::steady_clock::now();
    auto c = conn.Get();
    Result<bool> stored = c.ok() ? Store(*c.value(), *tenant) : Result<bool>(c.status());
    const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
    if (!stored.ok()) {
      conn.Reset();
      obs::Log(obs::Level::kWarn, "shared snapshot not stored; new instances will read the rows")
          .Str("tenant", tenant->external_id)
          .Str("error", stored.status().message());
    } else if (stored.value()) {
      obs::Log(obs::Level::kInfo, "shared snapshot stored")
          .Str("tenant", tenant->external_id)
          .Int("signal_version", tenant->signal_version)
          .Int("duration_ms", ms);
    }
  }
}

}  // namespace recsys::store
