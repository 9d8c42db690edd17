#include "store/signal_pins.h"

#include "core/parse_number.h"
#include "store/change_notice.h"
#include "store/sql_values.h"

namespace recsys::store {
namespace {

// Runs `body` in a transaction of its own: committed when it succeeds, else rolled back.
template <typename T, typename Body>
Result<T> InOwnTransaction(PgConnection& conn, Body&& body) {
  RETURN_IF_ERROR(conn.Exec("BEGIN"));
  Result<T> result = body();
  if (!result.ok()) {
    (void)conn.Exec("ROLLBACK");
    return result;
  }
  RETURN_IF_ERROR(conn.Exec("COMMIT"));
  return result;
}

std::vector<PgParam> ActorParams(const service::TenantRef& tenant, const service::Actor& actor) {
  return {tenant.id,        actor.subject,           actor.type, OrNull(actor.request_id),
          OrNull(actor.ip), OrNull(actor.user_agent)};
}

}  // namespace

Result<service::SignalPin> PinSignalVersion(PgConnection& conn, const service::TenantRef& tenant,
                                            int64_t version, const service::Actor& actor) {
  return InOwnTransaction<service::SignalPin>(conn, [&]() -> Result<service::SignalPin> {
    std::vector<PgParam> params = ActorParams(tenant, actor);
    params.emplace_back(std::to_string(version));
    // The version row is locked so that pruning cannot take it before the pin holds it.
    auto pinned = conn.Query(
        R"sql(
        WITH target AS (
          SELECT version FROM tenant_signal_builds WHERE tenant_id = $1 AND version = $7::bigint
             FOR KEY SHARE),
        previous AS (SELECT version FROM tenant_signal_pins WHERE tenant_id = $1),
        pinned AS (
          INSERT INTO tenant_signal_pins (tenant_id, version, pinned_by_sub)
          SELECT $1, version, $2 FROM target
          ON CONFLICT (tenant_id) DO UPDATE
            SET version = EXCLUDED.version, pinned_at = now(), pinned_by_sub = EXCLUDED.pinned_by_sub
          RETURNING version),
        audit AS (
          INSERT INTO audit_log (tenant_id, actor_sub, actor_type, action, entity_type, entity_id,
                                 request_id, ip, user_agent, before_state, after_state)
          SELECT $1, $2, $3, 'signals.rollback', 'signal_version', pinned.version::text,
                 $4::uuid, $5::inet, $6,
                 jsonb_build_object('pinned_version', (SELECT version FROM previous)),
                 jsonb_build_object('pinned_version', pinned.version)
            FROM pinned)
        SELECT version FROM pinned)sql",
        params);
    if (!pinned.ok()) return pinned.status();
    if (pinned.value().rows() == 0) {
      return Status::NotFound("no signal version " + std::to_string(version) +
                              " is kept for tenant " + tenant.external_id +
                              " (pruned or never built)");
    }
    RETURN_IF_ERROR(SendChangeNotice(conn, {tenant.external_id, ChangeScope::kSignals}));
    return ReadSignalPin(conn, tenant.id);
  });
}

Result<bool> UnpinSignals(PgConnection& conn, const service::TenantRef& tenant,
                          const service::Actor& actor) {
  return InOwnTransaction<bool>(conn, [&]() -> Result<bool> {
    auto removed = conn.Query(
        R"sql(
        WITH removed AS (DELETE FROM tenant_signal_pins WHERE tenant_id = $1 RETURNING version),
        audit AS (
          INSERT INTO audit_log (tenant_id, actor_sub, actor_type, action, entity_type, entity_id,
                                 request_id, ip, user_agent, before_state, after_state)
          SELECT $1, $2, $3, 'signals.unpin', 'signal_version', removed.version::text,
                 $4::uuid, $5::inet, $6, jsonb_build_object('pinned_version', removed.version),
                 jsonb_build_object('pinned_version', NULL)
            FROM removed)
        SELECT version FROM removed)sql",
        ActorParams(tenant, actor));
    if (!removed.ok()) return removed.status();
    if (removed.value().rows() == 0) return false;
    RETURN_IF_ERROR(SendChangeNotice(conn, {tenant.external_id, ChangeScope::kSignals}));
    return true;
  });
}

Result<service::SignalPin> ReadSignalPin(PgConnection& conn, const std::string& tenant_id) {
  auto row = conn.Query("SELECT p.version, " + UtcTimestampSql("p.pinned_at") +
                            ", p.pinned_by_sub, (SELECT count(*) FROM tenant_signal_builds b "
                            "  WHERE b.tenant_id = p.tenant_id AND b.version > p.version) "
                            "FROM tenant_signal_pins p WHERE p.tenant_id = $1",
                        {tenant_id});
  if (!row.ok()) return row.status();
  service::SignalPin pin;
  if (row.value().rows() == 0) return pin;
  const PgResult& r = row.value();
  pin.version = ParseInt64(r.Get(0, 0)).value_or(0);
  pin.pinned_at = r.Get(0, 1);
  pin.pinned_by = r.Get(0, 2);
  pin.newer_versions = ParseInt64(r.Get(0, 3)).value_or(0);
  return pin;
}

Result<std::unordered_map<std::string, int64_t>> ReadSignalPins(
    PgConnection& conn, const std::vector<std::string>& tenant_ids) {
  std::string ids = "{";
  for (const std::string& id : tenant_ids) ids += (ids.size() > 1 ? "," : "") + id;
  auto rows = conn.Query(
      "SELECT tenant_id::text, version FROM tenant_signal_pins WHERE tenant_id = ANY($1::uuid[])",
      {ids + "}"});
  if (!rows.ok()) return rows.status();
  std::unordered_map<std::string, int64_t> pins;
  for (int r = 0; r < rows.value().rows(); ++r) {
    pins.emplace(rows.value().Get(r, 0), ParseInt64(rows.value().Get(r, 1)).value_or(0));
  }
  return pins;
}

}  // namespace recsys::store
