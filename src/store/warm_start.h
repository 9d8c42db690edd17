// Warm start: a stopping instance saves each tenant's signal snapshots to a folder on its disk,
// and the next start there serves from them at once while it reloads from PostgreSQL in the
// background; a restart of a 1M-item tenant is ready in about a second, not a full load.
//
// A saved file is used at most once (it is deleted when read), only on the UTC day it was saved,
// only within kMaxAge of saving, and only while the tenant's decay half-life and co-visitation
// window are unchanged; otherwise, or when it is damaged (checksum, structure), the tenant loads
// from the database as on a cold start, with a log line. Files are written to a temporary name
// and renamed, readable by the service's user only. Not thread-safe: one caller at a time.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/status.h"
#include "core/time.h"
#include "service/serving_state.h"

namespace recsys::store {

class WarmStart {
 public:
  static constexpr std::chrono::minutes kMaxAge{15};

  explicit WarmStart(std::string dir) : dir_(std::move(dir)) {}

  // Saves every active tenant's snapshots (except those still warm-started: only what was read
  // from the database is saved); returns how many tenants were saved. A tenant that
  // cannot be written is logged and skipped. Errors: kUnavailable when the folder cannot be made.
  Result<size_t> SaveAll(const service::ServingState& state, TimestampUs now) const;

  struct Saved {
    service::TenantState::Snapshots snapshots;
    TimestampUs loaded_at;  // when the saving instance read them from the database
  };
  // Takes (reads, then deletes) `tenant`'s saved snapshots if they may serve now; nullopt
  // otherwise (no file, another day, too old, other decay parameters, damaged).
  std::optional<Saved> Take(const service::TenantState& tenant, TimestampUs now) const;

  // Deletes the saved files no Take() used (tenants since removed or changed).
  void DiscardRest() const;

 private:
  std::string PathFor(const std::string& tenant_id) const;
  Status Save(const service::TenantState& tenant, TimestampUs now) const;

  std::string dir_;
};

}  // namespace recsys::store
