// `recsys-service eval offline|tune|experiment|offpolicy|preview` (cli.md "Operations and
// evaluation"): evaluation reports from the tenant's own tables, written as files (report.json,
// report.md, report.html and SVG charts) and stored in eval_reports for the admin API. Progress
// goes to stderr, the summary and the report's id to stdout.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace recsys::cli {

struct EvalOfflineOptions {
  std::string tenant;      // external id
  std::string split_date;  // YYYY-MM-DD
  int k = 20;
  std::vector<std::string> config_files;  // configs to compare with the current one
  std::vector<std::string> grid;          // "weights.hist=0,0.5,1": a grid over these values
  std::string metric = "ndcg";            // what ranks grid points
  std::string surface;                    // empty: the busiest before the split
  std::string out;                        // empty: ./eval-offline-<tenant>-<time>
  int test_days = 7;                      // truth sessions start within this many days
  int64_t max_users = 0;
  bool returning_users = false;
  int resamples = 1000;
  uint64_t seed = 1;
};

struct EvalExperimentOptions {
  std::string tenant, experiment;
  std::string from, to;  // RFC 3339 or YYYY-MM-DD; default: the last 30 days
  std::string out;       // empty: ./eval-experiment-<tenant>-<time>
  std::string metric = "ctr";
  bool sequential = false;
  int aa_splits = 0;
  double alpha = 0.05;
  int64_t min_users = 100;
};

struct EvalOffPolicyOptions {
  std::string tenant;
  std::vector<std::string> config_files;  // drafts, estimated beside the current config
  std::string from, to;                   // default: the last 7 days
  double max_weight = 100;                // importance weights are clipped here
  std::string out;                        // empty: ./eval-offpolicy-<tenant>-<time>
};

struct EvalPreviewOptions {
  std::string tenant;
  std::string config_file, rules_file;  // the drafts; at least one
  int64_t last = 5000;                  // the newest N logged requests (capped at 20000)
  std::string surface;                  // only this surface
  std::string from, to;                 // a time range instead of "the newest"
  bool json = false;                    // print the report as JSON instead of text
  std::string out;                      // empty: ./eval-preview-<tenant>-<time>
};

// `eval tune`: coordinate ascent over the ranking settings from several starts (the current config
// and hand-picked ones) on the events before --split-date, validated on its last --validation-days
// (the days from the split on are never read for the choice); docs/evaluation.md.
struct EvalTuneOptions {
  std::string tenant;
  std::string split_date;    // YYYY-MM-DD: the tuning reads only events before it
  int validation_days = 28;  // the validation truth starts this many days before the split
  int k = 20;
  std::string metric = "recall";  // what the search maximizes
  double min_explore = 0;         // ... among configs with at least this explore recall
  int rounds = 3;                 // per start
  bool returning_users = false;
  std::string surface;
  int held_out_days = 0;  // > 0: afterwards, compare current, tuned and the starts on these days
  int resamples = 1000;
  std::string out;  // empty: ./eval-tune-<tenant>-<time>; config.json is the draft
};

// Exit codes: 0 a report was written (whatever its verdict), 1 a runtime failure, 2 bad
// arguments or nothing to evaluate.
int RunEvalOffline(const EvalOfflineOptions& options);
int RunEvalTune(const EvalTuneOptions& options);
int RunEvalExperiment(const EvalExperimentOptions& options);
int RunEvalOffPolicy(const EvalOffPolicyOptions& options);
int RunEvalPreview(const EvalPreviewOptions& options);

}  // namespace recsys::cli
