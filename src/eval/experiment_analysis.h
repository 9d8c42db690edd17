// `eval experiment`: did the change we shipped work? Reads an experiment's exposures joined to the
// interactions that name their request_id and states a verdict with the gates that decided it:
//  1. the join rate (interactions with a request_id that found their exposure) is at least 95 %;
//  2. no sample-ratio mismatch: users per variant fit the configured weights (chi-square, p >=
//  0.001);
//  3. every variant has enough users;
//  4. the primary metric of a treatment against control (a z test on the ratio with users as the
//     unit, or its always-valid mSPRT version with `sequential`), and the guardrails (empty
//     responses, degraded responses, p95 latency) not worse.
// A failed 1 or 2 refuses a verdict (kNone); 3 gives hold; a guardrail breach or a significant loss
// gives roll back; a significant win with guardrails intact gives ship; anything else hold. An A/A
// mode re-splits one variant's users at random many times and reports how often the same test
// calls a difference, which should be about alpha. An interleaving experiment is judged instead by
// a sign test over users on which team's items they clicked more (gates 1 and 3, then: the second
// variant preferred gives ship, the first gives roll back, neither hold). Pure; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "eval/statistics.h"

namespace recsys::eval {

// What happened after one served response.
struct ExposureOutcome {
  uint32_t variant = 0;     // index into ExperimentData::variants
  uint32_t user = 0;        // a dense index of the exposure's user key
  bool empty = false;       // the response held no items
  bool degraded = false;    // served without signals (no ranking counts in its meta)
  int64_t latency_us = -1;  // meta.timings_us.total; -1: not recorded
  bool clicked = false, added_to_cart = false, purchased = false;
  double revenue = 0;  // the `value` of purchases that name this response
};

// One interleaved response (experiments[].mode interleave): the clicks on each team's items.
struct InterleavedOutcome {
  uint32_t user = 0;
  int clicks[2] = {0, 0};
};

struct ExperimentData {
  std::string experiment_id;
  // Interleaving: the two teams (variant names) and the interleaved responses. When these are
  // present the experiment is analysed as an interleaving one and `exposures` is not used.
  std::string teams[2];
  std::vector<InterleavedOutcome> interleaved;
  std::vector<std::string> variants;
  // Configured weight per variant (0 for a variant the config no longer has); empty when the
  // experiment is not configured any more, which skips the sample-ratio check.
  std::vector<double> weights;
  uint32_t control = 0;  // the variant named "control", else the first configured
  std::vector<ExposureOutcome> exposures;
  int64_t interactions_with_request = 0;  // in the window, carrying a request_id
  int64_t interactions_joined = 0;        // of those, whose request_id has an exposure row
};

// The per-exposure rates compared between variants, in report order.
enum OnlineMetric : int {
  kCtr,
  kAddToCartRate,
  kPurchaseRate,
  kRevenuePerExposure,
  kEmptyRate,
  kDegradedRate,
  kOnlineMetricCount
};
// "ctr", "add_to_cart_rate", "purchase_rate", "revenue_per_exposure", "empty_rate",
// "degraded_rate".
const char* OnlineMetricName(int metric);
std::optional<OnlineMetric> ParseOnlineMetric(std::string_view name);

struct ExperimentOptions {
  OnlineMetric primary = kCtr;  // the metric a verdict rests on (not a guardrail)
  bool sequential = false;      // decide on always-valid p-values (safe to peek)
  double alpha = 0.05;
  int aa_splits = 0;  // > 0: also run the A/A check with this many random splits
  uint64_t seed = 1;
  int64_t min_users_per_variant = 100;
  double latency_tolerance = 0.2;  // p95 may grow by this share (and 1 ms) before it breaches
};

struct VariantSummary {
  std::string name;
  double weight = 0;
  int64_t exposures = 0, users = 0;
  std::array<RatioSums, kOnlineMetricCount> sums;  // by OnlineMetric, users as units
  int64_t latency_p50_us = -1, latency_p95_us = -1, latency_p99_us = -1;
};

struct VariantComparison {
  std::string variant;  // the treatment; compared with control
  std::array<GroupComparison, kOnlineMetricCount> metrics;
  bool primary_significant = false;  // by the chosen p-value
  std::vector<std::string> guardrails_breached;
};

struct Gate {
  std::string name;
  bool passed = false;
  std::string detail;
};

struct AaCheck {
  int splits = 0, significant = 0;
  double rate = 0;      // significant / splits; about alpha when the pipeline is sound
  bool within = false;  // rate <= alpha + 3 standard errors of a binomial at alpha
};

// Interleaving: which team's items users clicked more, user by user.
struct InterleavingResult {
  std::string teams[2];
  int64_t exposures = 0, exposures_with_clicks = 0, users = 0;
  int64_t clicks[2] = {0, 0};
  int64_t user_wins[2] = {0, 0}, user_ties = 0;  // users whose clicks favoured a team, or neither
  double preference = 0;  // (wins of the second - wins of the first) / decisive users, in [-1, 1]
  double p_value = 1;     // two-sided sign test over decisive users
};

enum class Verdict { kShip, kHold, kRollBack, kNone };
// "ship", "hold", "roll_back", "none".
const char* VerdictName(Verdict verdict);

struct ExperimentReport {
  std::string experiment_id;
  OnlineMetric primary = kCtr;
  bool sequential = false;
  double alpha = 0.05;
  double join_rate = 0;
  int64_t interactions_with_request = 0, interactions_joined = 0;
  std::string control;
  std::vector<VariantSummary> variants;
  std::vector<VariantComparison> comparisons;    // each treatment against control
  std::optional<SampleRatioCheck> sample_ratio;  // absent when weights are unknown
  Verdict verdict = Verdict::kNone;
  std::string verdict_variant;  // the treatment the verdict is about, if one
  std::vector<Gate> gates;
  std::optional<AaCheck> aa;
  std::optional<InterleavingResult> interleaving;  // an interleaving experiment's analysis
};

// Errors: kFailedPrecondition when there are no exposures for the experiment.
Result<ExperimentReport> AnalyzeExperiment(const ExperimentData& data,
                                           const ExperimentOptions& options);

}  // namespace recsys::eval
