// What evaluation reads from PostgreSQL, each table with one streaming COPY inside a read-only
// transaction scoped to the tenant by row-level security (store/pg.h InTenantReadTransaction).
// Not thread-safe: each call uses the caller's connection.
#pragma once

#include <string>
#include <vector>

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

// A response served while exploration was on, as logged.
struct LoggedResponse {
  std::string surface;
  std::string user_key;  // hex, as EventLog keys users; empty when the request named none
  std::vector<std::string> items;
  std::vector<float> propensities;
  std::vector<std::string> clicked;  // items clicked with this response's request_id
};

// The tenant's exposure rows in [from, to) that carry propensities, with their clicks (until a
// day after `to`).
Result<std::vector<LoggedResponse>> ReadLoggedResponses(PgConnection& conn,
                                                        const std::string& tenant_id,
                                                        TimestampUs from, TimestampUs to);

}  // namespace recsys::store
