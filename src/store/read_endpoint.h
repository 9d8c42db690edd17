// Where a serving instance's reads go (architecture.md "Scaling out"): the standby named by
// RECSYS_DATABASE_READ_URL while it answers and has replayed what the instance needs, else the
// primary. Writes and LISTEN never come here: they keep their own URLs.
//
// Two kinds of read. A consistent read (snapshot and control loads) must see every change the
// instance was told about: Require() raises that floor with each change notice's WAL position,
// and UrlForConsistentRead() returns the standby only once pg_last_wal_replay_lsn() is at or past
// it, waiting up to `replay_wait`, else the primary (so a loaded state never goes back in time
// either: once the floor passed the standby, loads stay on the primary until it catches up). A
// lag-tolerant read (the history tail, which copes with any lag) takes UrlForRead().
//
// Health: Probe() (run every second by the owner) asks the standby for its replay position and
// the primary for its own (replica lag). A standby that does not answer is marked down at once,
// logged, counted, and every read goes to the primary until a probe finds it back.
// Without a standby every URL is the primary's and Probe() does nothing. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "store/pg.h"
#include "store/wal_position.h"

namespace recsys::store {

struct ReadEndpointOptions {
  std::string primary_url;
  std::string standby_url;  // empty: no standby
  std::chrono::milliseconds replay_wait{500};
};

class ReadEndpoint {
 public:
  explicit ReadEndpoint(ReadEndpointOptions options);

  bool has_standby() const { return !options_.standby_url.empty(); }
  const std::string& primary_url() const { return options_.primary_url; }

  // Every later consistent read must see at least `position`. Never lowers the floor.
  void Require(WalPosition position);
  WalPosition required() const { return required_.load(); }

  // See the header comment. May block up to replay_wait (polling the standby every 20 ms).
  std::string UrlForConsistentRead();
  // The standby while it is up, else the primary. Never blocks.
  std::string UrlForRead() const;

  // Asks the standby for its replay position and the primary for its WAL position; marks the
  // standby down or up again (logged on each change).
  void Probe();
  // A read on `url` could not reach its server (kUnavailable): when `url` is the standby's, it is
  // marked down at once (the next Probe() that reaches it marks it up again). Returns whether it
  // was the standby, i.e. whether the read is worth retrying on primary_url().
  bool ReportUnreachable(const std::string& url, const Status& error);

  struct Stats {
    bool standby_up = false;
    WalPosition replayed = 0;    // the standby's last replay position seen
    int64_t lag_bytes = 0;       // primary position - replayed, at the last probe
    uint64_t fallbacks = 0;      // times the standby went down
    uint64_t behind_reads = 0;   // consistent reads sent to the primary: standby behind
    uint64_t standby_reads = 0;  // consistent reads the standby took
  };
  Stats stats() const;

 private:
  // Reads the standby's replay position into replayed_ (marking it up or down). REQUIRES: mu_.
  bool ReadReplayed();
  void MarkStandby(bool up, const std::string& error);

  const ReadEndpointOptions options_;
  std::mutex mu_;  // the probe connections
  ReconnectingConnection standby_conn_, primary_conn_;
  std::atomic<WalPosition> required_{0}, replayed_{0};
  std::atomic<int64_t> lag_bytes_{0};
  std::atomic<bool> standby_up_{true};
  std::atomic<bool> behind_{false};
  std::atomic<uint64_t> fallbacks_{0}, behind_reads_{0}, standby_reads_{0};
};

}  // namespace recsys::store
