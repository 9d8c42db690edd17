// The tenant and API-key registry as operators manage it from the command line. Every change is
// one transaction with its audit_log row (actor type "cli") and a NOTIFY, so running instances
// pick it up within a second. Not thread-safe: uses the caller's connection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "service/admin_repository.h"
#include "store/pg.h"

namespace recsys::store {

struct CreatedKey {
  std::string id;
  std::string raw_key;  // shown once, never stored
  std::string prefix;
};

class Registry {
 public:
  // REQUIRES: `conn` outlives the registry. `actor` names who acts, for audit (e.g. $USER).
  Registry(PgConnection& conn, std::string actor) : conn_(conn), actor_(std::move(actor)) {}

  Result<std::string> CreateTenant(const std::string& external_id, const std::string& name);
  // Rows of "external_id  status  name  created_at".
  Result<std::vector<std::string>> ListTenants();
  // status: active | suspended | deleted.
  Status SetTenantStatus(const std::string& external_id, const std::string& status);

  // REQUIRES: every role is viewer, operator or admin; `secret` is the server's
  // RECSYS_API_KEY_SECRET. expires_in_days 0: never expires.
  Result<CreatedKey> CreateKey(const std::string& tenant, const std::string& name,
                               const std::vector<std::string>& roles, int expires_in_days,
                               const std::string& secret);
  // Rows of "id  prefix  name  roles  status  last_used_at".
  Result<std::vector<std::string>> ListKeys(const std::string& tenant);
  Status RevokeKey(const std::string& key_id);

 private:
  // The tenant with external id `external_id`. Errors: kNotFound.
  Result<service::TenantRef> TenantRefOf(const std::string& external_id);
  // Runs `sql` (which writes and audits) and NOTIFYs, in one transaction; returns its rows.
  Result<PgResult> Change(const std::string& sql, const std::vector<PgParam>& params,
                          const std::string& tenant_external_id);

  PgConnection& conn_;
  std::string actor_;
};

}  // namespace recsys::store
