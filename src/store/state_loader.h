// Builds a ServingState from PostgreSQL: tenants, current config and rules, and per tenant and
// namespace a signal snapshot, each table read with one streaming COPY.
//
// Not thread-safe: one loader per thread (the refresher's). It keeps its own connection and
// reconnects after an error.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"
#include "service/serving_state.h"
#include "store/pg.h"

namespace recsys::store {

class StateLoader {
 public:
  explicit StateLoader(const std::string& database_url)
      : conn_(database_url, 3), side_conn_(database_url, 3) {}

  // Loads tenants, configs, rules, API keys and catalog availability. A tenant that `reload` does
  // not cover keeps `previous`'s snapshots when its half-life and co-visitation window did not
  // change. Returns the new state.
  Result<std::shared_ptr<const service::ServingState>> Load(const service::ServingState* previous,
                                                            const service::SignalReload& reload,
                                                            TimestampUs now);

  // A value that changes when every tenant's snapshots must be rebuilt: the database's UTC date
  // (decay is counted in days). Writes to one tenant's signals are announced per tenant by a
  // NOTIFY instead (store/change_notice.h), so they reload only that tenant.
  Result<std::string> ChangeMarker();

 private:
  // Reads the tenant's signal tables (co-visitation on side_conn_, in parallel).
  Status LoadSignals(PgConnection& conn, service::TenantState& tenant, TimestampUs now);
  // The catalog's unavailable items of every tenant: tenant uuid -> (namespace, item id).
  Result<std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>>>
  LoadUnavailable(PgConnection& conn);
  // LoadSignals in a read-only transaction as recsys_reader, scoped to the tenant by RLS.
  Status LoadSignalsIsolated(PgConnection& conn, service::TenantState& tenant, TimestampUs now);

  ReconnectingConnection conn_;
  ReconnectingConnection side_conn_;  // co-visitation is read on it, meanwhile
};

}  // namespace recsys::store
