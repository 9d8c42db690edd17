#include "store/signal_versions.h"

#include <algorithm>

#include "core/parse_number.h"
#include "core/time.h"
#include "store/signal_pins.h"
#include "store/snapshot_parts.h"
#include "store/sql_values.h"

namespace recsys::store {
namespace {

int64_t Int(const PgResult& r, int row, int col) { return ParseInt64(r.Get(row, col)).value_or(0); }

std::string DaysArray(const std::vector<std::string>& days) {
  std::string array = "{";
  for (size_t i = 0; i < days.size(); ++i) array += (i ? "," : "") + days[i];
  return array + "}";
}

// The newest day the snapshots hold ("" without snapshots) and their items.
std::pair<std::string, int64_t> Contents(const service::TenantState& tenant) {
  int32_t through = INT32_MIN;
  int64_t items = 0;
  for (const auto& [ns, snapshot] : tenant.snapshots) {
    through = std::max(through, snapshot->through_day());
    items += static_cast<int64_t>(snapshot->item_count());
  }
  return {through == INT32_MIN ? "" : FormatDate(through), items};
}

Result<StoredSignalVersion> StoreInTransaction(PgConnection& conn,
                                               const service::TenantState& tenant,
                                               const service::SignalBuildManifest& m, int keep,
                                               size_t part_bytes) {
  // Numbers are the tenant's newest plus one: two builders of one tenant take turns.
  RETURN_IF_ERROR(conn.Query("SELECT pg_advisory_xact_lock(hashtextextended("
                             "'recsys.tenant_signal_builds:' || $1::text, 0))",
                             {tenant.id})
                      .status());
  const auto [through_day, items] = Contents(tenant);
  auto inserted = conn.Query(
      R"sql(
      INSERT INTO tenant_signal_builds (tenant_id, version, trigger, built_by, days, through_day,
                                        events, popularity_rows, covisit_rows, sequence_rows,
                                        items, format, bytes, parts)
      SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4::date[], $5::date, $6, $7, $8, $9,
             $10, $11, 0, 0
        FROM tenant_signal_builds WHERE tenant_id = $1
      RETURNING version)sql",
      {tenant.id, m.trigger, m.built_by, DaysArray(m.days), OrNull(through_day),
       std::to_string(m.events), std::to_string(m.popularity_rows), std::to_string(m.covisit_rows),
       std::to_string(m.sequence_rows), std::to_string(items), SavedSnapshotsFormat()});
  if (!inserted.ok()) return inserted.status();
  StoredSignalVersion stored;
  stored.version = Int(inserted.value(), 0, 0);
  const std::string version = std::to_string(stored.version);
  auto written =
      WriteSnapshotParts(conn, tenant, part_bytes,
                         "INSERT INTO tenant_signal_build_parts (tenant_id, version, part, data) "
                         "VALUES ($1, $2, $3, $4)",
                         {tenant.id, version});
  if (!written.ok()) return written.status();
  RETURN_IF_ERROR(conn.Query("UPDATE tenant_signal_builds SET bytes = $3, parts = $4 "
                             "WHERE tenant_id = $1 AND version = $2",
                             {tenant.id, version, std::to_string(written.value().bytes),
                              std::to_string(written.value().parts)})
                      .status());
  // Versions are numbered without gaps at the top: the newest `keep` are those above this.
  auto pruned = conn.Query(
      "DELETE FROM tenant_signal_builds b WHERE tenant_id = $1 AND version <= $2::bigint - $3 "
      "AND NOT EXISTS (SELECT 1 FROM tenant_signal_pins p "
      "                WHERE p.tenant_id = b.tenant_id AND p.version = b.version)",
      {tenant.id, version, std::to_string(keep)});
  if (!pruned.ok()) return pruned.status();
  stored.pruned = pruned.value().AffectedRows();
  return stored;
}

}  // namespace

Result<StoredSignalVersion> StoreSignalVersion(PgConnection& conn,
                                               const service::TenantState& tenant,
                                               const service::SignalBuildManifest& manifest,
                                               int keep, size_t part_bytes) {
  RETURN_IF_ERROR(conn.Exec("BEGIN"));
  auto stored = StoreInTransaction(conn, tenant, manifest, keep, part_bytes);
  if (!stored.ok()) {
    (void)conn.Exec("ROLLBACK");
    return stored;
  }
  RETURN_IF_ERROR(conn.Exec("COMMIT"));
  return stored;
}

Result<service::SignalVersions> ListSignalVersions(PgConnection& conn,
                                                   const std::string& tenant_id) {
  auto rows = conn.Query(
      "SELECT b.version, " + UtcTimestampSql("b.built_at") +
          ", b.trigger, b.built_by, array_to_string(b.days, ','), coalesce(b.through_day::text, "
          "''), b.events, b.popularity_rows, b.covisit_rows, b.sequence_rows, b.items, b.bytes, "
          "p.version IS NOT NULL "
          "FROM tenant_signal_builds b LEFT JOIN tenant_signal_pins p "
          "  ON p.tenant_id = b.tenant_id AND p.version = b.version "
          "WHERE b.tenant_id = $1 ORDER BY b.version DESC",
      {tenant_id});
  if (!rows.ok()) return rows.status();
  service::SignalVersions out;
  const PgResult& r = rows.value();
  for (int i = 0; i < r.rows(); ++i) {
    service::SignalVersionInfo v;
    v.version = Int(r, i, 0);
    v.built_at = r.Get(i, 1);
    v.manifest.trigger = r.Get(i, 2);
    v.manifest.built_by = r.Get(i, 3);
    for (std::string_view days = r.Get(i, 4); !days.empty();) {
      const size_t comma = std::min(days.find(','), days.size());
      v.manifest.days.emplace_back(days.substr(0, comma));
      days.remove_prefix(std::min(comma + 1, days.size()));
    }
    v.through_day = r.Get(i, 5);
    v.manifest.events = Int(r, i, 6);
    v.manifest.popularity_rows = Int(r, i, 7);
    v.manifest.covisit_rows = Int(r, i, 8);
    v.manifest.sequence_rows = Int(r, i, 9);
    v.items = Int(r, i, 10);
    v.bytes = Int(r, i, 11);
    v.pinned = r.Get(i, 12) == "t";
    out.versions.push_back(std::move(v));
  }
  auto pin = ReadSignalPin(conn, tenant_id);
  if (!pin.ok()) return pin.status();
  out.pin = std::move(pin).value();
  return out;
}

Result<SavedSnapshots> ReadSignalVersion(PgConnection& conn, const std::string& tenant_id,
                                         int64_t version) {
  const std::string v = std::to_string(version);
  auto row = conn.Query(
      "SELECT format, bytes FROM tenant_signal_builds WHERE tenant_id = $1 AND version = $2",
      {tenant_id, v});
  if (!row.ok()) return row.status();
  if (row.value().rows() == 0) return Status::NotFound("no signal version " + v + " is kept");
  if (row.value().Get(0, 0) != SavedSnapshotsFormat()) {
    return Status::FailedPrecondition("signal version " + v +
                                      " was written by a build of another form");
  }
  std::string bytes;
  RETURN_IF_ERROR(ReadSnapshotParts(conn,
                                    "SELECT data FROM tenant_signal_build_parts "
                                    "WHERE tenant_id = $1 AND version = $2 ORDER BY part",
                                    {tenant_id, v}, Int(row.value(), 0, 1), bytes));
  return DecodeTenantSnapshots(bytes, tenant_id);
}

}  // namespace recsys::store
