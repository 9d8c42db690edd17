// One day of one tenant's signals rewritten in one transaction (ranking.md "Building signals from
// events"), into the day partitions of the derived tables (schema.md; migration 0010).
//
// With the streaming method, when no other tenant has rows in the day's partitions, the day is
// loaded into new unindexed tables (COPY FREEZE), indexed once and swapped in whole (DETACH,
// ATTACH, DROP) just before the commit: the cheapest way PostgreSQL takes a million rows; frozen
// rows are what a reader whose snapshot predates the commit finds in the new partition.
// Otherwise (another tenant's rows, or the SQL method) the tenant's rows are deleted and the new
// ones inserted in place. Either way a reader sees the whole old day or the
// whole new one, never a half day, and a failed build leaves the old day and its dirty markers.
// Functions here are not thread-safe per connection (one connection per thread).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "core/tenant_config.h"
#include "store/pg.h"
#include "store/signal_builder.h"

namespace recsys::store {

// Creates the three tables' partitions of each of `days` (YYYY-MM-DD) that does not exist yet, in
// one short transaction (it briefly locks the parent tables). Errors: kUnavailable.
Status EnsureDayPartitions(PgConnection& conn, const std::vector<std::string>& days);

// Rewrites (tenant_id, day) with `method`, in its own REPEATABLE READ transaction, and removes the
// day's dirty markers that the transaction saw (a day marked meanwhile is built again next run).
// Adds its events, rows and times to `report`. REQUIRES: EnsureDayPartitions(day) ran; `conn` is
// outside a transaction. Errors: kUnavailable (database; the day is left as it was).
Status BuildSignalDay(PgConnection& conn, const std::string& tenant_id, const std::string& day,
                      const SignalParams& params, SignalBuildMethod method,
                      SignalBuildReport& report);

}  // namespace recsys::store
