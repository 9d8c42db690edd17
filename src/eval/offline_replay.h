// `eval offline`: would another config have served better? Replays a tenant's own log through
// the serving code: signals are built in memory from the events before the split day only (the
// signal builder's DaySignals, the loader's windows, SnapshotBuilder: nothing served is touched),
// the user's history before the split fills a HistoryIndex as serving's does, and each config
// ranks every user through the real ranking core (no business rules: they are the merchandisers'
// choice, not the algorithm's) at the split's first moment. The truth is each user's first session
// on or after the split day (a session id, else the user's first day there): the items it
// interacted with (impressions aside). Metrics at k are computed for all truth items and for the
// items new to the user, each with a bootstrap 95 % interval, and every config is compared with
// the first, paired per user. docs/evaluation.md states each definition.
//
// Pure: no I/O; deterministic for equal input (the seed fixes the bootstrap). Uses up to
// `threads` threads internally; not to be called concurrently on one log only because of cost.
#pragma once

#include <array>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tenant_config.h"
#include "eval/event_log.h"
#include "eval/ranking_metrics.h"
#include "eval/statistics.h"

namespace recsys::eval {

struct ReplayConfig {
  std::string name;  // as reports show it: "current", "popularity", a file name, a grid point
  std::string config_json;  // the document, for the report and for PUT .../config
  TenantConfig config;
};

struct OfflineOptions {
  int32_t split_day =
      0;  // days since epoch: events before it train, the first session on/after it is the truth
  int k = 20;
  std::string
      surface;  // the namespace to evaluate; empty: the one with the most events before the split
  int curve_max_k = 50;  // recall@k is charted for k = 1..curve_max_k
  int resamples = 1000;  // bootstrap resamples; 0: no intervals
  uint64_t seed = 1;
  size_t max_users = 0;  // evaluate at most this many users (a deterministic sample); 0: all
  // Only users with events before the split (a returning customer; ../shared/data's protocol).
  bool returning_only = false;
  int threads = 0;  // 0: the machine's cores
};

struct Estimate {
  double value = 0;
  Interval interval;  // [value, value] without resamples
};

struct Comparison {  // a config against the first, paired per user
  double difference = 0;
  Interval interval;
  double p_value = 1;
};

struct ConfigResult {
  std::string name, config_json;
  std::array<Estimate, kMetricCount> all, new_items;  // by Metric
  std::array<Comparison, kMetricCount> versus_first, new_items_versus_first;
  // The two parts of one top k (ranking.md "Repeat and explore"; docs/evaluation.md): recall among
  // the truth items the user had interacted with before the split (users with such items), recall
  // among the others in the same top k (users with new items), and the share of the top k the
  // user had interacted with before (every user).
  Estimate repeat_recall, explore_recall, repeat_ratio;
  double coverage = 0;               // distinct items in anyone's top k over the catalog
  std::vector<double> recall_curve;  // recall at k = 1..curve_max_k
  double seconds = 0;                // time to build (if not shared) and rank
};

struct OfflineReport {
  std::string surface;
  int32_t split_day = 0;
  int k = 0;
  int64_t training_events = 0;  // on the surface, before the split
  int64_t catalog_items = 0;    // items the surface's signals know
  int64_t users = 0;            // users evaluated (with a truth session)
  int64_t users_without_history = 0;
  int64_t users_with_new_items = 0;
  double mean_truth_items = 0;
  int resamples = 0;
  std::vector<ConfigResult> configs;  // in the order given
};

// Errors: kInvalidArgument (no configs, k < 1, an unknown surface), kFailedPrecondition (no
// events before the split, or no user with a session on or after it).
Result<OfflineReport> ReplayOffline(const EventLog& log, std::span<const ReplayConfig> configs,
                                    const OfflineOptions& options);

}  // namespace recsys::eval
