#include "store/read_endpoint.h"

#include <thread>

#include "obs/log.h"
#include "store/connection_defaults.h"

namespace recsys::store {

ReadEndpoint::ReadEndpoint(ReadEndpointOptions options)
    : options_(std::move(options)),
      standby_conn_(options_.standby_url, kProbeConnectTimeoutS),
      primary_conn_(options_.primary_url, kProbeConnectTimeoutS) {}

void ReadEndpoint::Require(WalPosition position) {
  WalPosition current = required_.load();
  while (position > current && !required_.compare_exchange_weak(current, position)) {
  }
}

std::string ReadEndpoint::UrlForRead() const {
  return has_standby() && standby_up_ ? options_.standby_url : options_.primary_url;
}

void ReadEndpoint::MarkStandby(bool up, const std::string& error) {
  if (standby_up_.exchange(up) == up) return;
  if (up) {
    obs::Log(obs::Level::kInfo, "standby answers again; reads go back to it");
  } else {
    ++fallbacks_;
    obs::Log(obs::Level::kWarn, "standby unreachable; reads go to the primary").Str("error", error);
  }
}

bool ReadEndpoint::ReportUnreachable(const std::string& url, const Status& error) {
  if (!has_standby() || url != options_.standby_url || error.code() != StatusCode::kUnavailable) {
    return false;
  }
  MarkStandby(false, error.message());
  return true;
}

bool ReadEndpoint::ReadReplayed() {
  auto conn = standby_conn_.Get();
  // A server that is not in recovery (a promoted standby) has everything it will ever have.
  Result<PgResult> rows = conn.ok() ? conn.value()->Query(
                                          "SELECT CASE WHEN pg_is_in_recovery() "
                                          "THEN pg_last_wal_replay_lsn() END::text")
                                    : Result<PgResult>(conn.status());
  if (!rows.ok()) {
    standby_conn_.Reset();
    MarkStandby(false, rows.status().message());
    return false;
  }
  MarkStandby(true, "");
  if (rows.value().IsNull(0, 0)) {
    replayed_ = UINT64_MAX;
  } else if (auto position = ParseWalPosition(rows.value().Get(0, 0))) {
    replayed_ = *position;
  }
  return true;
}

void ReadEndpoint::Probe() {
  if (!has_standby()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (!ReadReplayed()) return;
  auto conn = primary_conn_.Get();
  auto rows = conn.ok() ? conn.value()->Query("SELECT pg_current_wal_lsn()::text")
                        : Result<PgResult>(conn.status());
  if (!rows.ok()) {  // the primary's own outage is seen by the writers and readiness
    primary_conn_.Reset();
    return;
  }
  const WalPosition primary = ParseWalPosition(rows.value().Get(0, 0)).value_or(0);
  const WalPosition replayed = replayed_.load();
  lag_bytes_ = primary > replayed ? static_cast<int64_t>(primary - replayed) : 0;
}

std::string ReadEndpoint::UrlForConsistentRead() {
  if (!has_standby() || !standby_up_) return options_.primary_url;
  const WalPosition floor = required_.load();
  const auto deadline = std::chrono::steady_clock::now() + options_.replay_wait;
  while (true) {
    if (replayed_.load() >= floor) break;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!ReadReplayed()) return options_.primary_url;
    }
    if (replayed_.load() >= floor) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ++behind_reads_;
      if (!behind_.exchange(true)) {
        obs::Log(obs::Level::kInfo, "standby behind a change; reading the primary until it replays")
            .Str("needed", FormatWalPosition(floor))
            .Str("replayed", FormatWalPosition(replayed_.load()));
      }
      return options_.primary_url;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (behind_.exchange(false)) {
    obs::Log(obs::Level::kInfo, "standby caught up; reading it again");
  }
  ++standby_reads_;
  return options_.standby_url;
}

ReadEndpoint::Stats ReadEndpoint::stats() const {
  Stats s;
  s.standby_up = has_standby() && standby_up_;
  s.replayed = replayed_.load() == UINT64_MAX ? 0 : replayed_.load();
  s.lag_bytes = lag_bytes_.load();
  s.fallbacks = fallbacks_.load();
  s.behind_reads = behind_reads_.load();
  s.standby_reads = standby_reads_.load();
  return s;
}

}  // namespace recsys::store
