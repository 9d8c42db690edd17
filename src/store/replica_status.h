// How far a hot standby is behind its primary, for `doctor` (store/read_endpoint.h keeps the
// serving instance's own view): whether it is a standby at all, whether replay is paused, the WAL
// bytes it has still to replay and the age of the last transaction it replayed.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "store/pg.h"

namespace recsys::store {

struct ReplicaStatus {
  bool in_recovery = false;  // false: not a standby (promoted, or the primary itself)
  bool replay_paused = false;
  int64_t lag_bytes = 0;     // primary's WAL position - standby's replay position (>= 0)
  double replay_age_s = -1;  // now - last replayed commit; -1 when none was replayed yet
};

// Reads the status from both servers. Errors: either query's.
Result<ReplicaStatus> ReadReplicaStatus(PgConnection& primary, PgConnection& standby);

// One line for `doctor`: "ok", "warn" or "fail", and why. Warns past `warn_lag_bytes` or a
// paused replay; fails when `standby` is not in recovery.
struct ReplicaVerdict {
  std::string level, detail;
};
ReplicaVerdict JudgeReplica(const ReplicaStatus& status, int64_t warn_lag_bytes);

}  // namespace recsys::store
