#include "store/registry.h"

#include "store/change_notice.h"

#include "core/uuid.h"
#include "crypto/api_key.h"
#include "service/tenant_status.h"

namespace recsys::store {
namespace {

std::string Row(const PgResult& r, int row) {
  std::string line;
  for (int c = 0; c < r.columns(); ++c) {
    if (c) line += "  ";
    line += r.IsNull(row, c) ? "-" : std::string(r.Get(row, c));
  }
  return line;
}

std::vector<std::string> Rows(const PgResult& r) {
  std::vector<std::string> rows;
  for (int i = 0; i < r.rows(); ++i) rows.push_back(Row(r, i));
  return rows;
}

}  // namespace

Result<PgResult> Registry::Change(const std::string& sql, const std::vector<PgParam>& params,
                                  const std::string& tenant_external_id) {
  RETURN_IF_ERROR(conn_.Exec("BEGIN"));
  auto rows = conn_.Query(sql, params);
  Status s = rows.status();
  if (s.ok()) {
    s = SendChangeNotice(conn_, {tenant_external_id, ChangeScope::kControl});
  }
  if (s.ok()) s = conn_.Exec("COMMIT");
  if (!s.ok()) {
    (void)conn_.Exec("ROLLBACK");
    return s;
  }
  return rows;
}

Result<std::string> Registry::CreateTenant(const std::string& external_id,
                                           const std::string& name) {
  if (external_id.empty() || external_id.size() > 256) {
    return Status::InvalidArgument("tenant id must be 1..256 characters");
  }
  auto rows = Change(R"sql(
    WITH t AS (INSERT INTO tenants (external_id, name) VALUES ($1, $2)
               ON CONFLICT (external_id) DO NOTHING RETURNING id, external_id, name)
    INSERT INTO audit_log (tenant_id, actor_sub, actor_type, action, entity_type, entity_id, after_state)
    SELECT id, $3, 'cli', 'tenant.create', 'tenant', external_id,
           jsonb_build_object('external_id', external_id, 'name', name)
      FROM t RETURNING tenant_id)sql",
                     {external_id, name.empty() ? external_id : name, actor_}, external_id);
  if (!rows.ok()) return rows.status();
  if (rows.value().rows() == 0)
    return Status::FailedPrecondition("tenant " + external_id + " exists");
  return std::string(rows.value().Get(0, 0));
}

Result<std::vector<std::string>> Registry::ListTenants() {
  auto r = conn_.Query(
      "SELECT external_id, status, name, to_char(created_at AT TIME ZONE 'UTC', "
      "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM tenants ORDER BY external_id");
  if (!r.ok()) return r.status();
  return Rows(r.value());
}

Status Registry::SetTenantStatus(const std::string& external_id, const std::string& status) {
  if (!service::ParseTenantStatus(status)) {
    return Status::InvalidArgument("status must be active, suspended or deleted");
  }
  auto rows = Change(R"sql(
    WITH before AS (SELECT id, status FROM tenants WHERE external_id = $1),
    t AS (UPDATE tenants SET status = $2::tenant_status WHERE external_id = $1 RETURNING id)
    INSERT INTO audit_log (tenant_id, actor_sub, actor_type, action, entity_type, entity_id,
                           before_state, after_state)
    SELECT t.id, $3, 'cli', 'tenant.status', 'tenant', $1,
           jsonb_build_object('status', before.status), jsonb_build_object('status', $2)
      FROM t JOIN before ON before.id = t.id RETURNING tenant_id)sql",
                     {external_id, status, actor_}, external_id);
  if (!rows.ok()) return rows.status();
  if (rows.value().rows() == 0) return Status::NotFound("no tenant " + external_id);
  return Status::Ok();
}

Result<CreatedKey> Registry::CreateKey(const std::string& tenant, const std::string& name,
                                       const std::vector<std::string>& roles, int expires_in_days,
                                       const std::string& secret) {
  if (secret.size() < 16) {
    return Status::InvalidArgument(
        "RECSYS_API_KEY_SECRET must be set (at least 16 characters), "
        "the same as the servers'");
  }
  std::string role_array = "{";
  for (size_t i = 0; i < roles.size(); ++i) {
    if (roles[i] != "viewer" && roles[i] != "operator" && roles[i] != "admin") {
      return Status::InvalidArgument("role " + roles[i] + ": want viewer, operator or admin");
    }
    role_array += (i ? "," : "") + roles[i];
  }
  role_array += "}";
  CreatedKey key;
  key.raw_key = crypto::NewApiKey();
  key.prefix = crypto::ApiKeyPrefix(key.raw_key);
  auto rows = Change(R"sql(
    WITH k AS (
      INSERT INTO tenant_api_keys (tenant_id, name, key_prefix, key_hash, roles, expires_at)
      SELECT id, $2, $3, $4, $5::text[],
             CASE WHEN $6::int > 0 THEN now() + make_interval(days => $6::int) END
        FROM tenants WHERE external_id = $1
      RETURNING id, tenant_id, name, key_prefix, roles, expires_at)
    INSERT INTO audit_log (tenant_id, actor_sub, actor_type, action, entity_type, entity_id, after_state)
    SELECT tenant_id, $7, 'cli', 'key.create', 'api_key', id::text,
           jsonb_build_object('name', name, 'prefix', key_prefix, 'roles', roles,
                              'expires_at', expires_at)
      FROM k RETURNING entity_id)sql",
                     {tenant, name, key.prefix, crypto::ApiKeyHash(secret, key.raw_key), role_array,
                      std::to_string(expires_in_days), actor_},
                     tenant);
  if (!rows.ok()) return rows.status();
  if (rows.value().rows() == 0) return Status::NotFound("no tenant " + tenant);
  key.id = rows.value().Get(0, 0);
  return key;
}

Result<std::vector<std::string>> Registry::ListKeys(const std::string& tenant) {
  auto r = conn_.Query(
      "SELECT k.id, k.key_prefix, coalesce(k.name, '-'), array_to_string(k.roles, ','), "
      "CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked' "
      "WHEN k.expires_at <= now() THEN 'expired' ELSE 'active' END, "
      "to_char(k.last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
      "FROM tenant_api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE t.external_id = $1 "
      "ORDER BY k.created_at",
      {tenant});
  if (!r.ok()) return r.status();
  return Rows(r.value());
}

Status Registry::RevokeKey(const std::string& key_id) {
  if (!IsUuid(key_id)) return Status::InvalidArgument("key id must be a UUID");
  auto tenant = conn_.Query(
      "SELECT t.external_id FROM tenant_api_keys k JOIN tenants t ON t.id = k.tenant_id "
      "WHERE k.id = $1::uuid",
      {key_id});
  if (!tenant.ok()) return tenant.status();
  if (tenant.value().rows() == 0) return Status::NotFound("no key " + key_id);
  auto rows = Change(R"sql(
    WITH k AS (UPDATE tenant_api_keys SET revoked_at = now()
                WHERE id = $1::uuid AND revoked_at IS NULL RETURNING id, tenant_id)
    INSERT INTO audit_log (tenant_id, actor_sub, actor_type, action, entity_type, entity_id)
    SELECT tenant_id, $2, 'cli', 'key.revoke', 'api_key', id::text FROM k RETURNING id)sql",
                     {key_id, actor_}, std::string(tenant.value().Get(0, 0)));
  return rows.status();
}

}  // namespace recsys::store
