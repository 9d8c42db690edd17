#include "store/registry.h"

#include "store/api_key_store.h"
#include "store/change_notice.h"
#include "store/sql_values.h"

#include "core/uuid.h"
#include "crypto/api_key.h"
#include "service/roles.h"
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

service::Actor CliActorOf(const std::string& subject) { return {subject, "cli", "", "", ""}; }

}  // namespace

Result<service::TenantRef> Registry::TenantRefOf(const std::string& external_id) {
  auto r = conn_.Query("SELECT id FROM tenants WHERE external_id = $1", {external_id});
  if (!r.ok()) return r.status();
  if (r.value().rows() == 0) return Status::NotFound("no tenant " + external_id);
  return service::TenantRef{std::string(r.value().Get(0, 0)), external_id};
}

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
  auto r = conn_.Query("SELECT external_id, status, name, " + UtcTimestampSql("created_at") +
                       " FROM tenants ORDER BY external_id");
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
  RETURN_IF_ERROR(service::CheckRoles(roles));
  auto ref = TenantRefOf(tenant);
  if (!ref.ok()) return ref.status();
  CreatedKey key;
  key.raw_key = crypto::NewApiKey();
  key.prefix = crypto::ApiKeyPrefix(key.raw_key);
  auto info = CreateApiKey(
      conn_, ref.value(),
      {name, roles, expires_in_days, key.prefix, crypto::ApiKeyHash(secret, key.raw_key)},
      CliActorOf(actor_));
  if (!info.ok()) return info.status();
  key.id = info.value().id;
  return key;
}

Result<std::vector<std::string>> Registry::ListKeys(const std::string& tenant) {
  auto ref = TenantRefOf(tenant);
  if (!ref.ok()) return ref.status();
  auto keys = ListApiKeys(conn_, ref.value());
  if (!keys.ok()) return keys.status();
  auto or_dash = [](const std::string& text) { return text.empty() ? std::string("-") : text; };
  std::vector<std::string> rows;
  for (const service::ApiKeyInfo& key : keys.value()) {
    std::string roles;
    for (const std::string& role : key.roles) roles += (roles.empty() ? "" : ",") + role;
    rows.push_back(key.id + "  " + or_dash(key.prefix) + "  " + or_dash(key.name) + "  " + roles +
                   "  " + key.status + "  " + or_dash(key.last_used_at));
  }
  return rows;
}

Status Registry::RevokeKey(const std::string& key_id) {
  if (!IsUuid(key_id)) return Status::InvalidArgument("key id must be a UUID");
  auto tenant = conn_.Query(
      "SELECT t.id, t.external_id FROM tenant_api_keys k JOIN tenants t ON t.id = k.tenant_id "
      "WHERE k.id = $1::uuid",
      {key_id});
  if (!tenant.ok()) return tenant.status();
  if (tenant.value().rows() == 0) return Status::NotFound("no key " + key_id);
  const service::TenantRef ref{std::string(tenant.value().Get(0, 0)),
                               std::string(tenant.value().Get(0, 1))};
  return RevokeApiKey(conn_, ref, key_id, CliActorOf(actor_)).status();
}

}  // namespace recsys::store
