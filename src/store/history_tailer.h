// Feeds the in-memory HistoryIndex from interaction_events on every instance (ranking.md "Users'
// recent history"): at start it loads the last `warm_days` of events, then it polls for rows
// with a larger id every `poll` (at most 500 ms, so an event accepted by any instance reaches
// every index within a second).
//
// Ids come from one sequence but commit out of order, so a poll can see id 12 before id 11
// commits. The tailer remembers the ids it skipped over and asks for them again on later polls,
// until the server read has moved 10 s past (after which they are taken as rolled back: a failed
// batch leaves such holes). Those 10 s are the source's time, not this process's: the primary's
// now(), or on a standby the commit time of the last transaction it replayed; so a standby behind
// the primary, or one whose replay is paused, or a switch between standby and primary (reads
// follow a store/read_endpoint.h), neither skips an id (it waits until the source moved on) nor
// doubles one (ids up to high_id_ are read again only while missing). Events still in flight
// while the warm-up reads are the one known gap (milliseconds at start).
//
// With a LiveRegistry, the same rows also feed the live signal layers (service/live_registry.h):
// once the first state with signals is published, the rows of yesterday and today seen so far
// (all event types) are folded once; from then on each poll folds its new rows, and a tenant
// whose signal parameters changed has those two days folded again. Each poll first brings the
// layers' bases to the published state (LiveRegistry::Sync).
//
// Owns its thread; the destructor stops it. Per-tenant weights, half-life and items per user come
// from the published serving state at each poll.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "core/status.h"
#include "service/history_index.h"
#include "service/live_feed.h"
#include "service/live_registry.h"
#include "service/serving_state.h"
#include "store/copy_stream.h"
#include "store/pg.h"
#include "store/read_endpoint.h"

namespace recsys::store {

class HistoryTailer {
 public:
  // REQUIRES: `index`, `state` and `live` (may be null: no live layers) outlive the tailer.
  HistoryTailer(std::string database_url, service::HistoryIndex& index,
                const service::StateHolder& state, std::chrono::milliseconds poll, int warm_days,
                service::LiveRegistry* live = nullptr);
  ~HistoryTailer();
  HistoryTailer(const HistoryTailer&) = delete;
  HistoryTailer& operator=(const HistoryTailer&) = delete;

  // The tail then reads where `endpoint` says (ReadEndpoint::UrlForRead, looked up before each
  // step). REQUIRES: called before Start().
  void UseReadEndpoint(std::shared_ptr<ReadEndpoint> endpoint) { read_ = std::move(endpoint); }

  void Start();
  bool warmed() const { return warmed_.load(); }
  uint64_t events_applied() const { return applied_.load(); }

  // One warm-up (when not done yet) or one poll, on the caller's thread. For tests and Start().
  Status Step(PgConnection& conn);

 private:
  struct TenantParams;
  struct TenantParamsMap;
  TenantParamsMap CurrentParams() const;
  // Applies a tailed row to the history index and/or (buffered) to the live layers.
  void ApplyRow(const CopyRow& row, const TenantParamsMap& params, bool to_history, bool to_live);
  // Folds the live days' rows up to high_id_ (of one tenant when `tenant_id` is not empty) into
  // the live layers. REQUIRES: live_ != nullptr.
  Status FoldLiveDays(PgConnection& conn, const TenantParamsMap& params,
                      const std::string& tenant_id);
  // Brings the live layers to the published state and folds again the tenants it asks for.
  Status SyncLive(PgConnection& conn, const TenantParamsMap& params);
  void FlushLive(const TenantParamsMap& params);
  // A warning at most once a minute while the live layers refuse events.
  void LogRefusals();
  void Loop();
  Status Warm(PgConnection& conn);
  Status Poll(PgConnection& conn);
  // Moves source_now_ to the source's time (never back).
  Status ReadSourceTime(PgConnection& conn);

  std::string url_;
  service::HistoryIndex& index_;
  const service::StateHolder& state_;
  std::chrono::milliseconds poll_;
  int warm_days_;
  service::LiveRegistry* live_;
  std::unique_ptr<service::LiveFeed> feed_;  // when live_
  int64_t high_id_ = 0;                      // every id up to here was seen, or is in missing_
  std::map<int64_t, TimestampUs> missing_;   // id -> source time when first missed
  TimestampUs source_now_ = 0;               // the source's time at the last poll
  std::shared_ptr<ReadEndpoint> read_;
  std::atomic<bool> warmed_{false};
  bool live_warmed_ = false;
  uint64_t logged_refused_ = 0;
  std::chrono::steady_clock::time_point last_refusal_log_{};
  std::atomic<uint64_t> applied_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace recsys::store
