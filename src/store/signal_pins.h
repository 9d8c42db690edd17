// Pins of signal versions (tenant_signal_pins, migration 0013; docs/signal-versions.md): a
// pinned tenant is served from one kept version (store/signal_versions.h) on every instance
// instead of the newest build, until unpinned. Pinning and unpinning each run in one transaction
// of their own with the audit_log row (`signals.rollback`, `signals.unpin`) and a `signals`
// NOTIFY, so every instance reloads the tenant within a second. Not thread-safe: each call uses
// the caller's connection (outside any transaction).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "service/admin_repository.h"
#include "service/signal_version.h"
#include "store/pg.h"

namespace recsys::store {

// Pins `tenant` to its kept version `version` (moving an existing pin). Errors: kNotFound (no
// such version is kept: pruned or never built), the database's.
Result<service::SignalPin> PinSignalVersion(PgConnection& conn, const service::TenantRef& tenant,
                                            int64_t version, const service::Actor& actor);

// Removes `tenant`'s pin, so it serves the newest build again. Returns whether it was pinned
// (only then is it audited and announced).
Result<bool> UnpinSignals(PgConnection& conn, const service::TenantRef& tenant,
                          const service::Actor& actor);

// The tenant's (tenants.id) pin; version 0 when it has none.
Result<service::SignalPin> ReadSignalPin(PgConnection& conn, const std::string& tenant_id);

// The pinned version of each of `tenant_ids` that has a pin.
Result<std::unordered_map<std::string, int64_t>> ReadSignalPins(
    PgConnection& conn, const std::vector<std::string>& tenant_ids);

}  // namespace recsys::store
