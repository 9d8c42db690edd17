// Off-policy estimates: how many clicks per response a draft ranking would have earned, from
// responses logged while exploration was on (core/exploration.h records each shown item's
// propensity given the slots before it). Cascade model (RIPS): a logged slot counts for the draft
// when the draft puts the same items in it and in every slot above it, weighted by 1 / the
// product of those slots' propensities (clipped at `max_weight`):
//  - IPS: the mean over responses of Σ_slots match · weight · click, with its standard error;
//  - SNIPS: per slot, Σ match · weight · click / Σ match · weight, summed over slots (biased a
//    little, much less variable);
//  - effective sample size: (Σ w)² / Σ w² over the matched slots: how many logged slots the
//    estimate is really worth.
// Unbiased when a click in a slot depends only on the items in it and above it, every item the
// draft shows can reach its slot under the logging policy (which exploration over the ranked list
// and its pool gives) and no weight is clipped. A draft far from what was served matches few
// prefixes: its effective sample size says so (kMinEffectiveSampleSize). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "eval/statistics.h"

namespace recsys::eval {

// Below this effective sample size an estimate rests on too few logged slots to rank configs by.
inline constexpr double kMinEffectiveSampleSize = 30;

struct LoggedSlate {
  std::vector<uint32_t> items;      // shown, in slot order
  std::vector<float> propensities;  // per slot, in (0, 1]
  std::vector<uint8_t> clicked;     // per slot
  std::vector<uint32_t> target;     // the draft's ranking for the same request
};

struct OffPolicyEstimate {
  int64_t slates = 0, slots = 0, matched_slots = 0, clipped = 0;
  double logged_clicks = 0;  // clicks per response under the logging policy (what was served)
  double ips = 0, ips_standard_error = 0;
  Interval ips_interval;  // 95 %, normal
  double snips = 0;
  double effective_sample_size = 0;
};

// REQUIRES: max_weight >= 1; per slate, items, propensities and clicked of equal length.
OffPolicyEstimate EstimateOffPolicy(std::span<const LoggedSlate> slates, double max_weight);

}  // namespace recsys::eval
