// Reads the signal rows of several tenants at once (tags, popularity, co-visitation, sequences)
// and builds their snapshots.
//
// One streaming COPY per table reads a whole batch: with the tables partitioned by day, a
// tenant's query costs PostgreSQL its planning and an index scan of every day's partition
// whatever its size, so a thousand small tenants read one at a time spent more on that than on
// their rows. Rows carry their tenant's id and go to that tenant's builders only. A batch of one
// tenant reads as the serving role scoped to it by row-level security; a larger batch cannot be
// scoped to one tenant by the policy, so it reads in a read-only transaction as the connecting
// role, and the tenant each row belongs to is the one its own tenant_id names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "service/serving_state.h"
#include "store/pg.h"

namespace recsys::store {

struct SignalReadOptions {
  int32_t today = 0;        // the reference day of decay (Unix days)
  int32_t through_day = 0;  // rows of days after it are not read (closed days only)
  size_t max_items = 0;     // per snapshot; 0: no limit
};

// Splits `tenants` into batches of at most `max_tenants` that one ReadSignalBatch can read:
// tenants whose popularity horizon and co-visitation window (from their configs) are the same,
// so that one day range serves the whole batch. Order within a batch follows `tenants`.
std::vector<std::vector<service::TenantState*>> SplitIntoSignalBatches(
    std::span<service::TenantState* const> tenants, int32_t today, size_t max_tenants);

// Reads the signal rows of `batch` on `conn`, co-visitation meanwhile on `side` (another
// connection), and sets each tenant's snapshots (one per namespace with rows). Each call runs
// in its own transactions. REQUIRES: `batch` is one of SplitIntoSignalBatches's batches; `conn`
// and `side` are not in a transaction. On an error the tenants' snapshots are unspecified.
Status ReadSignalBatch(PgConnection& conn, PgConnection& side,
                       std::span<service::TenantState* const> batch,
                       const SignalReadOptions& options);

}  // namespace recsys::store
