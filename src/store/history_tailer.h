// Feeds the in-memory HistoryIndex from interaction_events on every instance (ranking.md "Users'
// recent history"): at start it loads the last `warm_days` of events, then it polls for rows
// with a larger id every `poll` (at most 500 ms, so an event accepted by any instance reaches
// every index within a second).
//
// Ids come from one sequence but commit out of order, so a poll can see id 12 before id 11
// commits. The tailer remembers the ids it skipped over and asks for them again on later polls,
// for up to 10 s (after which they are taken as rolled back: a failed batch leaves such holes).
// Events still in flight while the warm-up reads are the one known gap (milliseconds at start).
//
// Owns its thread; the destructor stops it. Per-tenant weights, half-life and items per user come
// from the published serving state at each poll.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <thread>

#include "core/status.h"
#include "service/history_index.h"
#include "service/serving_state.h"
#include "store/copy_stream.h"
#include "store/pg.h"

namespace recsys::store {

class HistoryTailer {
 public:
  // REQUIRES: `index` and `state` outlive the tailer.
  HistoryTailer(std::string database_url, service::HistoryIndex& index,
                const service::StateHolder& state, std::chrono::milliseconds poll, int warm_days);
  ~HistoryTailer();
  HistoryTailer(const HistoryTailer&) = delete;
  HistoryTailer& operator=(const HistoryTailer&) = delete;

  void Start();
  bool warmed() const { return warmed_.load(); }
  uint64_t events_applied() const { return applied_.load(); }

  // One warm-up (when not done yet) or one poll, on the caller's thread. For tests and Start().
  Status Step(PgConnection& conn);

 private:
  struct TenantParams;
  struct TenantParamsMap;
  TenantParamsMap CurrentParams() const;
  void ApplyRow(const CopyRow& row, const TenantParamsMap& params);
  void Loop();
  Status Warm(PgConnection& conn);
  Status Poll(PgConnection& conn);

  std::string url_;
  service::HistoryIndex& index_;
  const service::StateHolder& state_;
  std::chrono::milliseconds poll_;
  int warm_days_;
  int64_t high_id_ = 0;  // every id up to here was seen, or is in missing_
  std::map<int64_t, std::chrono::steady_clock::time_point> missing_;  // id -> first missed
  std::atomic<bool> warmed_{false};
  std::atomic<uint64_t> applied_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace recsys::store
