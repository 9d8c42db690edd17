// Signal versions in PostgreSQL (tenant_signal_builds, migration 0013; docs/signal-versions.md):
// each base build the signal builder announces keeps the tenant's snapshots, in
// store/saved_snapshots.h's form, with the build's manifest, numbered 1, 2, ... per tenant.
// Storing prunes the tenant's versions past the newest `keep`, never the pinned one
// (store/signal_pins.h). Not thread-safe: each call uses the caller's connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/status.h"
#include "service/serving_state.h"
#include "service/signal_version.h"
#include "store/pg.h"
#include "store/saved_snapshots.h"

namespace recsys::store {

struct StoredSignalVersion {
  int64_t version = 0;
  int64_t pruned = 0;  // older versions deleted to keep `keep`
};

// Stores `tenant`'s snapshots (read after the build) as its next version, with `manifest`, and
// prunes in the same transaction. REQUIRES: keep >= 1, part_bytes > 0.
Result<StoredSignalVersion> StoreSignalVersion(PgConnection& conn,
                                               const service::TenantState& tenant,
                                               const service::SignalBuildManifest& manifest,
                                               int keep, size_t part_bytes = size_t{64} << 20);

// The tenant's (tenants.id) kept versions, newest first, with its pin.
Result<service::SignalVersions> ListSignalVersions(PgConnection& conn,
                                                   const std::string& tenant_id);

// Version `version` of the tenant's snapshots. Errors: kNotFound (not kept: pruned or never
// built), kFailedPrecondition (written by a build of another form), kInvalidArgument (it does not
// decode), the database's.
Result<SavedSnapshots> ReadSignalVersion(PgConnection& conn, const std::string& tenant_id,
                                         int64_t version);

}  // namespace recsys::store
