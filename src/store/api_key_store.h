// A tenant's API keys in PostgreSQL (tenant_api_keys) for the admin API: listed without hashes,
// created and revoked each in one transaction with its audit_log row and a `control` NOTIFY, so
// every instance accepts or refuses the key within a second. Not thread-safe: each call uses the
// caller's connection.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "service/admin_repository.h"
#include "store/pg.h"

namespace recsys::store {

Result<std::vector<service::ApiKeyInfo>> ListApiKeys(PgConnection& conn,
                                                     const service::TenantRef& tenant);
Result<service::ApiKeyInfo> CreateApiKey(PgConnection& conn, const service::TenantRef& tenant,
                                         const service::NewApiKey& key,
                                         const service::Actor& actor);
// kNotFound when the tenant has no key `key_id` (REQUIRES: a uuid).
Result<service::ApiKeyInfo> RevokeApiKey(PgConnection& conn, const service::TenantRef& tenant,
                                         const std::string& key_id, const service::Actor& actor);

}  // namespace recsys::store
