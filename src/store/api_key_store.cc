#include "store/api_key_store.h"

#include "service/roles.h"
#include "store/change_notice.h"
#include "store/sql_values.h"

namespace recsys::store {
namespace {

std::string Columns() {
  return "id::text, coalesce(name, ''), coalesce(key_prefix, ''), array_to_string(roles, ','), "
         "CASE WHEN revoked_at IS NOT NULL THEN 'revoked' WHEN expires_at <= now() THEN "
         "'expired' ELSE 'active' END, coalesce(" +
         UtcTimestampSql("created_at") + ", ''), coalesce(" + UtcTimestampSql("expires_at") +
         ", ''), coalesce(" + UtcTimestampSql("last_used_at") + ", '')";
}

service::ApiKeyInfo KeyAt(const PgResult& r, int row) {
  service::ApiKeyInfo key;
  key.id = r.Get(row, 0);
  key.name = r.Get(row, 1);
  key.prefix = r.Get(row, 2);
  key.roles = service::SplitRoles(r.Get(row, 3));
  key.status = r.Get(row, 4);
  key.created_at = r.Get(row, 5);
  key.expires_at = r.Get(row, 6);
  key.last_used_at = r.Get(row, 7);
  return key;
}

// Runs `sql` (which changes a key, audits it and returns the key's columns) and NOTIFYs, in one
// transaction.
Result<service::ApiKeyInfo> ChangeKey(PgConnection& conn, const service::TenantRef& tenant,
                                      const std::string& sql, const std::vector<PgParam>& params) {
  RETURN_IF_ERROR(conn.Exec("BEGIN"));
  auto r = conn.Query(sql, params);
  Status s = r.status();
  if (s.ok() && r.value().rows() == 0) s = Status::NotFound("no such key");
  if (s.ok()) s = SendChangeNotice(conn, {tenant.external_id, ChangeScope::kControl});
  const Status end = conn.Exec(s.ok() ? "COMMIT" : "ROLLBACK");
  if (!s.ok()) return s;
  if (!end.ok()) return end;
  return KeyAt(r.value(), 0);
}

}  // namespace

Result<std::vector<service::ApiKeyInfo>> ListApiKeys(PgConnection& conn,
                                                     const service::TenantRef& tenant) {
  auto r = conn.Query(
      "SELECT " + Columns() + " FROM tenant_api_keys WHERE tenant_id = $1 ORDER BY created_at, id",
      {tenant.id});
  if (!r.ok()) return r.status();
  std::vector<service::ApiKeyInfo> keys;
  for (int row = 0; row < r.value().rows(); ++row) keys.push_back(KeyAt(r.value(), row));
  return keys;
}

Result<service::ApiKeyInfo> CreateApiKey(PgConnection& conn, const service::TenantRef& tenant,
                                         const service::NewApiKey& key,
                                         const service::Actor& actor) {
  std::string roles = "{";
  for (size_t i = 0; i < key.roles.size(); ++i) roles += (i ? "," : "") + key.roles[i];
  roles += "}";
  return ChangeKey(conn, tenant, std::string(R"sql(
    WITH k AS (
      INSERT INTO tenant_api_keys (tenant_id, name, key_prefix, key_hash, roles, expires_at)
      VALUES ($1, nullif($2, ''), $3, $4, $5::text[],
              CASE WHEN $6::int > 0 THEN now() + make_interval(days => $6::int) END)
      RETURNING *),
    audit AS (
      INSERT INTO audit_log (tenant_id, actor_sub, actor_type, action, entity_type, entity_id,
                             request_id, ip, user_agent, after_state)
      SELECT tenant_id, $7, $8, 'key.create', 'api_key', id::text, $9::uuid, $10::inet, $11,
             jsonb_build_object('name', name, 'prefix', key_prefix, 'roles', roles,
                                'expires_at', expires_at)
        FROM k)
    SELECT )sql") + Columns() + " FROM k",
                   {tenant.id, key.name, key.prefix, key.hash, roles,
                    std::to_string(key.expires_in_days), actor.subject, actor.type,
                    OrNull(actor.request_id), OrNull(actor.ip), OrNull(actor.user_agent)});
}

Result<service::ApiKeyInfo> RevokeApiKey(PgConnection& conn, const service::TenantRef& tenant,
                                         const std::string& key_id, const service::Actor& actor) {
  return ChangeKey(conn, tenant, std::string(R"sql(
    WITH before AS (
      SELECT revoked_at IS NULL AS active FROM tenant_api_keys
       WHERE id = $2::uuid AND tenant_id = $1),
    k AS (
      UPDATE tenant_api_keys SET revoked_at = coalesce(revoked_at, now())
       WHERE id = $2::uuid AND tenant_id = $1 RETURNING *),
    audit AS (  -- only a key that was active is revoked, and audited, now
      INSERT INTO audit_log (tenant_id, actor_sub, actor_type, action, entity_type, entity_id,
                             request_id, ip, user_agent)
      SELECT tenant_id, $3, $4, 'key.revoke', 'api_key', id::text, $5::uuid, $6::inet, $7
        FROM k WHERE (SELECT active FROM before))
    SELECT )sql") + Columns() + " FROM k",
                   {tenant.id, key_id, actor.subject, actor.type, OrNull(actor.request_id),
                    OrNull(actor.ip), OrNull(actor.user_agent)});
}

}  // namespace recsys::store
