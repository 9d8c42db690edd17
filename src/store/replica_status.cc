#include "store/replica_status.h"

#include "core/parse_number.h"
#include "core/str_format.h"
#include "store/wal_position.h"

namespace recsys::store {

Result<ReplicaStatus> ReadReplicaStatus(PgConnection& primary, PgConnection& standby) {
  // The standby first: the primary's position read after it bounds the lag from above.
  auto s = standby.Query(
      "SELECT pg_is_in_recovery(), "
      "CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END, "
      "coalesce(pg_last_wal_replay_lsn()::text, ''), "
      "coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), -1)");
  if (!s.ok()) return s.status();
  auto p = primary.Query("SELECT pg_current_wal_lsn()::text");
  if (!p.ok()) return p.status();
  ReplicaStatus status;
  status.in_recovery = s.value().Get(0, 0) == "t";
  status.replay_paused = s.value().Get(0, 1) == "t";
  const WalPosition replayed = ParseWalPosition(s.value().Get(0, 2)).value_or(0);
  const WalPosition current = ParseWalPosition(p.value().Get(0, 0)).value_or(0);
  status.lag_bytes =
      status.in_recovery && current > replayed ? static_cast<int64_t>(current - replayed) : 0;
  status.replay_age_s = ParseFiniteDouble(s.value().Get(0, 3)).value_or(-1);
  return status;
}

ReplicaVerdict JudgeReplica(const ReplicaStatus& status, int64_t warn_lag_bytes) {
  if (!status.in_recovery) {
    return {"fail", "RECSYS_DATABASE_READ_URL is not a standby (not in recovery)"};
  }
  const std::string lag =
      StrFormat("%lld bytes of WAL behind the primary", static_cast<long long>(status.lag_bytes));
  if (status.replay_paused) return {"warn", "replay is paused (pg_wal_replay_resume()); " + lag};
  if (status.lag_bytes > warn_lag_bytes) return {"warn", lag};
  return {"ok", lag};
}

}  // namespace recsys::store
