// The saved form of a tenant's snapshots (store/saved_snapshots.h) as bytea rows ("parts": a
// bytea holds at most 1 GB), as shared snapshots and signal versions store it: written while it
// is encoded, so memory holds one part and not the whole form, and read back in order.
// Not thread-safe: each call uses the caller's connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "service/serving_state.h"
#include "store/pg.h"
#include "store/saved_snapshots.h"

namespace recsys::store {

struct WrittenParts {
  int parts = 0;
  int64_t bytes = 0;
};

// Encodes `tenant`'s snapshots and runs `insert_sql` once per part of at most `part_bytes`, with
// `params`, then the part's number (from 0) and its bytes (bound in binary) as the last two
// parameters. REQUIRES: part_bytes > 0.
Result<WrittenParts> WriteSnapshotParts(PgConnection& conn, const service::TenantState& tenant,
                                        size_t part_bytes, const std::string& insert_sql,
                                        std::vector<PgParam> params);

// Appends the parts `select_sql` returns (its first column, in order) to `bytes`, reserving
// `recorded_bytes` first when it is plausible (a damaged size must not make a huge reservation).
Status ReadSnapshotParts(PgConnection& conn, const std::string& select_sql,
                         const std::vector<PgParam>& params, int64_t recorded_bytes,
                         std::string& bytes);

// Decodes what ReadSnapshotParts read. Errors: kInvalidArgument (DecodeSavedSnapshots', or the
// form is another tenant's than `tenant_id`).
Result<SavedSnapshots> DecodeTenantSnapshots(std::string_view bytes, const std::string& tenant_id);

}  // namespace recsys::store
