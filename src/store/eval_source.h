// What evaluation reads from PostgreSQL, each table with one streaming COPY inside a read-only
// transaction scoped to the tenant by row-level security (store/pg.h InTenantReadTransaction).
// Not thread-safe: each call uses the caller's connection.
#pragma once

#include <string>

#include "core/status.h"
#include "core/tenant_config.h"
#include "core/time.h"
#include "eval/event_log.h"
#include "eval/experiment_analysis.h"
#include "store/pg.h"

namespace recsys::store {

// The tenant's interactions before `until` and its catalog tags, sealed. `tenant_id`: a uuid.
Result<eval::EventLog> ReadEventLog(PgConnection& conn, const std::string& tenant_id,
                                    TimestampUs until);

// Experiment `experiment_id`'s exposures in [from, to), each with what its users did after it
// (interactions naming its request_id, until a day after `to`), the join rate of the window's
// interactions, and the variants with their weights from `config` (the tenant's current config).
Result<eval::ExperimentData> ReadExperiment(PgConnection& conn, const std::string& tenant_id,
                                            const std::string& experiment_id, TimestampUs from,
                                            TimestampUs to, const TenantConfig& config);

}  // namespace recsys::store
