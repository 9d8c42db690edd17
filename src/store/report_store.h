// Evaluation reports in PostgreSQL (table eval_reports): written once by `eval offline` and
// `eval experiment`, read by the admin API on every instance. Not thread-safe: each call uses the
// caller's connection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "service/admin_repository.h"
#include "store/pg.h"

namespace recsys::store {

// Stores `report` (its id and created_at are made here) for tenant `tenant_id` (a uuid) with an
// audit_log row (action report.create, actor type cli, subject `actor`) in one transaction.
// Returns the new report's id. Errors: kUnavailable (database).
Result<std::string> SaveReport(PgConnection& conn, const std::string& tenant_id,
                               const service::EvalReport& report, const std::string& actor);

// The tenant's reports newest first, bodies left empty.
Result<std::vector<service::EvalReport>> ListReports(PgConnection& conn,
                                                     const std::string& tenant_id, int limit,
                                                     int offset);

// The tenant's report `id` (REQUIRES: a uuid) with its bodies, or nullopt.
Result<std::optional<service::EvalReport>> FindReport(PgConnection& conn,
                                                      const std::string& tenant_id,
                                                      const std::string& id);

}  // namespace recsys::store
