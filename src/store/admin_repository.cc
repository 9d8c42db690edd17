#include "store/admin_repository.h"

#include "core/parse_number.h"
#include "store/api_key_store.h"
#include "store/change_notice.h"
#include "store/doctor.h"
#include "store/report_store.h"
#include "store/signal_pins.h"
#include "store/signal_versions.h"
#include "store/sql_values.h"

namespace recsys::store {
namespace {

using service::Actor;
using service::DocKind;
using service::DocVersion;
using service::TenantRef;

struct Tables {
  const char* versions;
  const char* current;
  const char* column;
  const char* pointer;
  const char* entity;
};

Tables TablesFor(DocKind kind) {
  if (kind == DocKind::kConfig) {
    return {"tenant_config_versions", "tenant_configs_current", "config", "config_version_id",
            "config"};
  }
  return {"tenant_rule_versions", "tenant_rules_current", "rules", "rules_version_id", "rules"};
}

std::string Field(const PgResult& r, int row, int col) { return std::string(r.Get(row, col)); }

}  // namespace

template <typename T, typename Body>
Result<T> PgAdminRepository::InTransaction(Body&& body) {
  auto conn = conn_.Get();
  if (!conn.ok()) return conn.status();
  PgConnection& c = *conn.value();
  if (Status s = c.Exec("BEGIN"); !s.ok()) {
    conn_.Reset();
    return s;
  }
  Result<T> result = body(c);
  Status end = c.Exec(result.ok() ? "COMMIT" : "ROLLBACK");
  if (!end.ok()) {
    conn_.Reset();
    if (result.ok()) return end;
  }
  if (result.ok()) RaiseReadFloor(c);
  return result;
}

void PgAdminRepository::RaiseReadFloor(PgConnection& conn) {
  if (!reads_) return;
  auto position = ReadWalInsertPosition(conn);
  if (position.ok()) reads_->Require(position.value());
}

template <typename Call>
auto PgAdminRepository::WithReadConnection(Call&& call)
    -> decltype(call(std::declval<PgConnection&>())) {
  if (!reads_) return WithConnection(std::forward<Call>(call));
  std::lock_guard<std::mutex> lock(read_mu_);
  std::string url = reads_->UrlForConsistentRead();
  for (int attempt = 0;; ++attempt) {
    read_conn_.SetUrl(url);
    auto conn = read_conn_.Get();
    auto result = conn.ok() ? call(*conn.value()) : decltype(call(*conn.value()))(conn.status());
    if (result.ok()) return result;
    if (conn.ok() && !conn.value()->IsHealthy()) read_conn_.Reset();
    if (attempt > 0 || !reads_->ReportUnreachable(url, result.status())) return result;
    url = reads_->primary_url();
  }
}

// Runs `call` on the repository's connection, under its lock; a failed call drops the connection.
template <typename Call>
auto PgAdminRepository::WithConnection(Call&& call)
    -> decltype(call(std::declval<PgConnection&>())) {
  std::lock_guard<std::mutex> lock(mu_);
  auto conn = conn_.Get();
  if (!conn.ok()) return conn.status();
  auto result = call(*conn.value());
  if (!result.ok() && !conn.value()->IsHealthy()) conn_.Reset();
  return result;
}

Result<std::optional<TenantRef>> PgAdminRepository::FindTenant(const std::string& external_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto conn = conn_.Get();
  if (!conn.ok()) return conn.status();
  auto r = conn.value()->Query("SELECT id, external_id, status FROM tenants WHERE external_id = $1",
                               {external_id});
  if (!r.ok()) return r.status();
  if (r.value().rows() == 0) return std::optional<TenantRef>();
  return std::optional<TenantRef>(TenantRef{Field(r.value(), 0, 0), Field(r.value(), 0, 1),
                                            service::ParseTenantStatus(Field(r.value(), 0, 2))
                                                .value_or(service::TenantStatus::kSuspended)});
}

Result<DocVersion> PgAdminRepository::ReadVersion(PgConnection& conn, DocKind kind,
                                                  const std::string& version_id) {
  const Tables t = TablesFor(kind);
  auto r = conn.Query(std::string("SELECT v.etag, v.") + t.column + "::text, " +
                          UtcTimestampSql("v.created_at") +
                          ", v.created_by_sub, coalesce(v.comment, ''), "
                          "v.id = c." +
                          t.pointer + " FROM " + t.versions + " v LEFT JOIN " + t.current +
                          " c ON c.tenant_id = v.tenant_id WHERE v.id = $1",
                      {version_id});
  if (!r.ok()) return r.status();
  if (r.value().rows() == 0) return Status::NotFound("no such version");
  const PgResult& x = r.value();
  return DocVersion{Field(x, 0, 0), Field(x, 0, 1), Field(x, 0, 2),
                    Field(x, 0, 3), Field(x, 0, 4), x.Get(0, 5) == "t"};
}

Result<std::optional<DocVersion>> PgAdminRepository::Current(const TenantRef& tenant,
                                                             DocKind kind) {
  std::lock_guard<std::mutex> lock(mu_);
  auto conn = conn_.Get();
  if (!conn.ok()) return conn.status();
  const Tables t = TablesFor(kind);
  auto id = conn.value()->Query(
      std::string("SELECT ") + t.pointer + " FROM " + t.current + " WHERE tenant_id = $1",
      {tenant.id});
  if (!id.ok()) return id.status();
  if (id.value().rows() == 0) return std::optional<DocVersion>();
  auto version = ReadVersion(*conn.value(), kind, Field(id.value(), 0, 0));
  if (!version.ok()) return version.status();
  return std::optional<DocVersion>(std::move(version).value());
}

Status PgAdminRepository::MakeCurrent(PgConnection& conn, const TenantRef& tenant, DocKind kind,
                                      const std::string& version_id, const std::string& action,
                                      const Actor& actor) {
  const Tables t = TablesFor(kind);
  const std::string sql = std::string(R"sql(
    WITH previous AS (
      SELECT v.etag, v.)sql") +
                          t.column + " AS doc FROM " + t.current + " c JOIN " + t.versions +
                          " v ON v.id = c." + t.pointer + R"sql( WHERE c.tenant_id = $1),
    next AS (SELECT etag, )sql" +
                          t.column + " AS doc FROM " + t.versions + R"sql( WHERE id = $2),
    moved AS (
      INSERT INTO )sql" + t.current +
                          " (tenant_id, " + t.pointer + R"sql(, updated_by_sub)
      VALUES ($1, $2, $3)
      ON CONFLICT (tenant_id) DO UPDATE SET )sql" +
                          t.pointer + " = EXCLUDED." + t.pointer +
                          R"sql(, updated_by_sub = EXCLUDED.updated_by_sub
      RETURNING 1)
    INSERT INTO audit_log (tenant_id, actor_sub, actor_type, action, entity_type, entity_id,
                           request_id, ip, user_agent, before_state, after_state, extra)
    SELECT $1, $3, $4, $5, ')sql" +
                          t.entity + R"sql(', next.etag, $6::uuid, $7::inet, $8,
           (SELECT doc FROM previous), next.doc,
           jsonb_build_object('version', next.etag, 'previous_version', (SELECT etag FROM previous))
      FROM next, moved)sql";
  auto r = conn.Query(sql, {tenant.id, version_id, actor.subject, actor.type, action,
                            OrNull(actor.request_id), OrNull(actor.ip), OrNull(actor.user_agent)});
  if (!r.ok()) return r.status();
  return SendChangeNotice(conn, {tenant.external_id, ChangeScope::kControl});
}

namespace {

// Locks the tenant row, serializing its writers, so that If-Match is checked against exactly what
// the write replaces.
Status LockAndCheckIfMatch(PgConnection& conn, const TenantRef& tenant, DocKind kind,
                           const std::optional<std::string>& if_match) {
  RETURN_IF_ERROR(
      conn.Query("SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE", {tenant.id}).status());
  if (!if_match) return Status::Ok();
  const Tables t = TablesFor(kind);
  auto current =
      conn.Query(std::string("SELECT v.etag FROM ") + t.current + " c JOIN " + t.versions +
                     " v ON v.id = c." + t.pointer + " WHERE c.tenant_id = $1",
                 {tenant.id});
  if (!current.ok()) return current.status();
  if (current.value().rows() == 0 || current.value().Get(0, 0) != *if_match) {
    return Status::Conflict("If-Match does not match the current version");
  }
  return Status::Ok();
}

}  // namespace

Result<DocVersion> PgAdminRepository::Save(const TenantRef& tenant, DocKind kind,
                                           const std::string& document,
                                           const std::optional<std::string>& if_match,
                                           const std::string& comment, const Actor& actor) {
  std::lock_guard<std::mutex> lock(mu_);
  const Tables t = TablesFor(kind);
  return InTransaction<DocVersion>([&](PgConnection& conn) -> Result<DocVersion> {
    RETURN_IF_ERROR(LockAndCheckIfMatch(conn, tenant, kind, if_match));
    auto id = conn.Query(std::string("WITH ins AS (INSERT INTO ") + t.versions + " (tenant_id, " +
                             t.column +
                             ", created_by_sub, comment) VALUES ($1, $2::jsonb, $3, $4) "
                             "ON CONFLICT (tenant_id, etag) DO NOTHING RETURNING id) "
                             "SELECT id FROM ins UNION ALL SELECT id FROM " +
                             t.versions +
                             " WHERE tenant_id = $1 AND etag = "
                             "encode(sha256($2::jsonb::text::bytea), 'hex') LIMIT 1",
                         {tenant.id, document, actor.subject, OrNull(comment)});
    if (!id.ok()) return id.status();
    const std::string version_id = Field(id.value(), 0, 0);
    RETURN_IF_ERROR(
        MakeCurrent(conn, tenant, kind, version_id, std::string(t.entity) + ".update", actor));
    return ReadVersion(conn, kind, version_id);
  });
}

Result<DocVersion> PgAdminRepository::Rollback(const TenantRef& tenant, DocKind kind,
                                               const std::string& etag,
                                               const std::optional<std::string>& if_match,
                                               const Actor& actor) {
  std::lock_guard<std::mutex> lock(mu_);
  const Tables t = TablesFor(kind);
  return InTransaction<DocVersion>([&](PgConnection& conn) -> Result<DocVersion> {
    RETURN_IF_ERROR(LockAndCheckIfMatch(conn, tenant, kind, if_match));
    auto id = conn.Query(
        std::string("SELECT id FROM ") + t.versions + " WHERE tenant_id = $1 AND etag = $2",
        {tenant.id, etag});
    if (!id.ok()) return id.status();
    if (id.value().rows() == 0) return Status::NotFound("no version " + etag);
    const std::string version_id = Field(id.value(), 0, 0);
    RETURN_IF_ERROR(
        MakeCurrent(conn, tenant, kind, version_id, std::string(t.entity) + ".rollback", actor));
    return ReadVersion(conn, kind, version_id);
  });
}

Result<std::optional<DocVersion>> PgAdminRepository::Version(const TenantRef& tenant, DocKind kind,
                                                             const std::string& etag) {
  return WithConnection([&](PgConnection& conn) -> Result<std::optional<DocVersion>> {
    auto id = conn.Query(std::string("SELECT id FROM ") + TablesFor(kind).versions +
                             " WHERE tenant_id = $1 AND etag = $2",
                         {tenant.id, etag});
    if (!id.ok()) return id.status();
    if (id.value().rows() == 0) return std::optional<DocVersion>();
    auto version = ReadVersion(conn, kind, Field(id.value(), 0, 0));
    if (!version.ok()) return version.status();
    return std::optional<DocVersion>(std::move(version).value());
  });
}

Result<std::vector<DocVersion>> PgAdminRepository::Versions(const TenantRef& tenant, DocKind kind,
                                                            int limit, int offset) {
  return WithReadConnection([&](PgConnection& conn) -> Result<std::vector<DocVersion>> {
    const Tables t = TablesFor(kind);
    auto r =
        conn.Query(std::string("SELECT v.etag, ") + UtcTimestampSql("v.created_at") +
                       ", v.created_by_sub, coalesce(v.comment, ''), v.id IS NOT DISTINCT FROM c." +
                       t.pointer + " FROM " + t.versions + " v LEFT JOIN " + t.current +
                       " c ON c.tenant_id = v.tenant_id WHERE v.tenant_id = $1 "
                       "ORDER BY v.created_at DESC, v.id DESC LIMIT $2::int OFFSET $3::int",
                   {tenant.id, std::to_string(limit), std::to_string(offset)});
    if (!r.ok()) return r.status();
    std::vector<DocVersion> versions;
    for (int i = 0; i < r.value().rows(); ++i) {
      const PgResult& x = r.value();
      versions.push_back(
          {Field(x, i, 0), "", Field(x, i, 1), Field(x, i, 2), Field(x, i, 3), x.Get(i, 4) == "t"});
    }
    return versions;
  });
}

Result<std::string> PgAdminRepository::AuditPage(const TenantRef& tenant,
                                                 const service::AuditQuery& query) {
  return WithReadConnection([&](PgConnection& conn) -> Result<std::string> {
    // Keyset pagination on (occurred_at, id), newest first; PostgreSQL writes the JSON.
    auto r = conn.Query(std::string(R"sql(
      WITH page AS (
        SELECT id, occurred_at, )sql") +
                            UtcTimestampSql("occurred_at") + R"sql( AS at, actor_sub,
               actor_type, action, entity_type, entity_id, request_id, host(ip) AS ip, user_agent,
               before_state, after_state, extra
          FROM audit_log
         WHERE tenant_id = $1
           AND ($6::text IS NULL OR action = $6)
           AND ($7::text IS NULL OR actor_sub = $7)
           AND ($2::timestamptz IS NULL OR
                (occurred_at, id) < ($2::timestamptz, coalesce($3::bigint, 0)) OR
                ($3::bigint IS NULL AND occurred_at < $2::timestamptz))
         ORDER BY occurred_at DESC, id DESC
         LIMIT $4::int)
      SELECT json_build_object(
        'tenant_id', $5::text,
        'entries', coalesce((SELECT json_agg(json_strip_nulls(json_build_object(
            'id', id, 'occurred_at', at, 'actor_sub', actor_sub, 'actor_type', actor_type,
            'action', action, 'entity_type', entity_type, 'entity_id', entity_id,
            'request_id', request_id, 'ip', ip, 'user_agent', user_agent,
            'before_state', before_state, 'after_state', after_state, 'extra', extra))
            ORDER BY occurred_at DESC, id DESC) FROM page), '[]'::json))::jsonb
        || CASE WHEN (SELECT count(*) FROM page) = $4::int THEN
             (SELECT jsonb_build_object('next_before', at, 'next_before_id', id)
                FROM page ORDER BY occurred_at, id LIMIT 1)
           ELSE '{}'::jsonb END)sql",
                        {tenant.id, query.before,
                         query.before_id ? PgParam(std::to_string(*query.before_id)) : PgParam(),
                         std::to_string(query.limit), tenant.external_id,
                         query.action ? PgParam(*query.action) : PgParam(),
                         query.actor ? PgParam(*query.actor) : PgParam()});
    if (!r.ok()) return r.status();
    return Field(r.value(), 0, 0);
  });
}

Result<int64_t> PgAdminRepository::RecordInvalidation(const TenantRef& tenant,
                                                      const std::vector<std::string>& targets,
                                                      const std::string& surface, bool signals,
                                                      const Actor& actor) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string array = "{";
  for (size_t i = 0; i < targets.size(); ++i) array += (i ? "," : "") + targets[i];
  array += "}";
  return InTransaction<int64_t>([&](PgConnection& conn) -> Result<int64_t> {
    auto r = conn.Query(
        R"sql(
        WITH event AS (
          INSERT INTO cache_invalidation_events (tenant_id, request_id, requested_by_sub, targets, surface)
          VALUES ($1, $2::uuid, $3, $4::text[], $5) RETURNING id, targets, surface)
        INSERT INTO audit_log (tenant_id, actor_sub, actor_type, action, entity_type, entity_id,
                               request_id, ip, user_agent, after_state)
        SELECT $1, $3, $6, 'cache.invalidate', 'cache', event.id::text, $2::uuid, $7::inet, $8,
               jsonb_build_object('targets', event.targets, 'surface', event.surface)
          FROM event RETURNING entity_id)sql",
        {tenant.id, OrNull(actor.request_id), actor.subject, array, OrNull(surface), actor.type,
         OrNull(actor.ip), OrNull(actor.user_agent)});
    if (!r.ok()) return r.status();
    RETURN_IF_ERROR(SendChangeNotice(
        conn, {tenant.external_id, signals ? ChangeScope::kSignals : ChangeScope::kControl}));
    const std::optional<int64_t> id = ParseInt64(Field(r.value(), 0, 0));
    if (!id) return Status::Internal("cache invalidation: the database returned no event id");
    return *id;
  });
}

Result<std::vector<service::DoctorCheck>> PgAdminRepository::Diagnose(
    const service::TenantState& tenant, const std::string& surface) {
  return WithReadConnection([&](PgConnection& c) -> Result<std::vector<service::DoctorCheck>> {
    Diagnosis diagnosis;
    DiagnoseTenant(c, tenant, surface, spill_dir_, diagnosis);
    if (!c.IsHealthy()) return Status::Unavailable("the database connection was lost");
    return diagnosis.checks();
  });
}

Result<std::vector<service::EvalReport>> PgAdminRepository::Reports(const TenantRef& tenant,
                                                                    int limit, int offset) {
  return WithReadConnection(
      [&](PgConnection& conn) { return ListReports(conn, tenant.id, limit, offset); });
}

Result<std::optional<service::EvalReport>> PgAdminRepository::Report(const TenantRef& tenant,
                                                                     const std::string& id) {
  return WithReadConnection([&](PgConnection& conn) { return FindReport(conn, tenant.id, id); });
}

Result<std::vector<service::ApiKeyInfo>> PgAdminRepository::Keys(const TenantRef& tenant) {
  return WithConnection([&](PgConnection& c) { return ListApiKeys(c, tenant); });
}

Result<service::ApiKeyInfo> PgAdminRepository::CreateKey(const TenantRef& tenant,
                                                         const service::NewApiKey& key,
                                                         const Actor& actor) {
  return WithConnection([&](PgConnection& c) {
    auto created = CreateApiKey(c, tenant, key, actor);
    if (created.ok()) RaiseReadFloor(c);
    return created;
  });
}

Result<service::ApiKeyInfo> PgAdminRepository::RevokeKey(const TenantRef& tenant,
                                                         const std::string& key_id,
                                                         const Actor& actor) {
  return WithConnection([&](PgConnection& c) {
    auto revoked = RevokeApiKey(c, tenant, key_id, actor);
    if (revoked.ok()) RaiseReadFloor(c);
    return revoked;
  });
}

Result<service::Activity> PgAdminRepository::RecentActivity(const TenantRef& tenant, int minutes) {
  return WithReadConnection([&](PgConnection& c) -> Result<service::Activity> {
    auto r = c.Query(
        "SELECT (SELECT count(*) FROM interaction_events WHERE tenant_id = $1 AND occurred_at > "
        "now() - make_interval(mins => $2::int)), (SELECT count(*) FROM exposure_events WHERE "
        "tenant_id = $1 AND occurred_at > now() - make_interval(mins => $2::int))",
        {tenant.id, std::to_string(minutes)});
    if (!r.ok()) return r.status();
    return service::Activity{minutes, ParseInt64(Field(r.value(), 0, 0)).value_or(0),
                             ParseInt64(Field(r.value(), 0, 1)).value_or(0)};
  });
}

Result<service::SignalVersions> PgAdminRepository::ListSignalVersions(const TenantRef& tenant) {
  return WithConnection([&](PgConnection& c) { return store::ListSignalVersions(c, tenant.id); });
}

Result<service::SignalPin> PgAdminRepository::PinSignalVersion(const TenantRef& tenant,
                                                               int64_t version,
                                                               const Actor& actor) {
  return WithConnection(
      [&](PgConnection& c) { return store::PinSignalVersion(c, tenant, version, actor); });
}

Result<bool> PgAdminRepository::UnpinSignals(const TenantRef& tenant, const Actor& actor) {
  return WithConnection([&](PgConnection& c) { return store::UnpinSignals(c, tenant, actor); });
}

}  // namespace recsys::store
