// Monthly partitions of exposure_events and interaction_events.
//
// The work is done by SQL functions that migration 0003 installs (recsys_ensure_partitions,
// recsys_prune_partitions), so that migrations, this code and an operator's psql share one
// implementation. Both calls are idempotent and safe to run from several instances at once.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "store/pg.h"

namespace recsys::store {

// Creates the partitions for the current month (UTC) and the `months_ahead` months after it,
// moving any rows that DEFAULT already holds for those months. Returns the partitions created.
// REQUIRES: months_ahead >= 0.
Result<std::vector<std::string>> EnsurePartitions(PgConnection& conn, int months_ahead);

// Detaches and drops every monthly partition whose month ended more than `older_than_days` days
// ago. Returns the partitions dropped. REQUIRES: older_than_days >= 0.
Result<std::vector<std::string>> PrunePartitions(PgConnection& conn, int older_than_days);

}  // namespace recsys::store
