// A tenant's config document (api.md "Config document", ranking.md) as typed values.
//
// ParseTenantConfig validates every known field and ignores unknown ones (forward compatibility).
// An error is kInvalidArgument whose message starts with the offending field path, e.g.
// "weights.pop: must be a number >= 0". Values absent from the document keep the defaults below,
// which are the reference service's defaults.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace recsys {

struct Weights {
  double pop = 1.0;
  double cooc = 0.0;
  double emb = 0.0;
  double hist = 0.0;
  double seq = 0.0;
};

// ranking.repeat_slots (ranking.md "Repeat and explore"): how many of the k slots go to the
// user's own items (the repeat part), the others going to items new to the user (explore).
struct RepeatSlots {
  enum Mode : uint8_t {
    kBlend,  // absent: one blended ranking (ranking.md's formula), no parts
    kFixed,  // `fixed` slots
    kAuto,   // k x the user's repeat propensity, rounded, within [min, max]
  };
  Mode mode = kBlend;
  int fixed = 0;
  int min = 0, max = 200;
};

struct RankingParams {
  double half_life_days = 30.0;
  int covisit_window_days = 30;
  double mmr_lambda = 0.0;  // 0 turns MMR off; caps still apply
  int brand_cap = 0;        // 0 = no cap
  int category_cap = 0;     // 0 = no cap
  int max_pins = 3;
  // Leave out every item in the user's recent history (ranking.md "Users' recent history"),
  // counting only interactions whose type bit (1 << EventType) is in exclude_seen_types.
  bool exclude_seen = false;
  uint8_t exclude_seen_types = 0x1F;
  // ranking.exploration: this share of slots shows an item drawn from the next `pool` ranked
  // ones (core/exploration.h), each with its propensity in the exposure row. 0: off.
  double exploration_epsilon = 0;
  int exploration_pool = 20;
  RepeatSlots repeat_slots;
};

// Building signals and the recent-history index (ranking.md): `signals` in the config.
struct SignalParams {
  // By EventType: impression, view, click, add_to_cart, purchase.
  double event_weights[5] = {0, 1, 2, 3, 5};
  int history_items = 50;  // per user
  int history_days = 365;  // warm-up window
};

struct ExperimentVariant {
  std::string name;
  double weight = 0;
  // Overrides applied on top of the tenant config for users in this variant.
  bool has_weights = false;
  Weights weights;
  bool has_ranking = false;
  RankingParams ranking;
};

// split: each user sees one variant. interleave: every request in the experiment shows both
// variants' rankings merged by team-draft interleaving (core/interleave.h); two variants.
enum class ExperimentMode { kSplit, kInterleave };

struct Experiment {
  std::string id;
  std::string surface;  // empty: every surface
  ExperimentMode mode = ExperimentMode::kSplit;
  std::vector<ExperimentVariant> variants;
};

struct TenantConfig {
  Weights weights;
  bool enable_rules = true;
  bool exclude_anchors = true;
  int max_k = 200;
  int max_exclude_ids = 5000;
  double rate_limit_rps = 0;    // requests/s per tenant; 0: the server's default
  double rate_limit_burst = 0;  // bucket size; 0: twice the rate
  double events_rate = 0;       // events/s per tenant on POST /v1/events; 0: the server's default
  double events_burst = 0;      // that bucket's size (>= kMaxEventsPerBatch); 0: the server's
  RankingParams ranking;
  SignalParams signals;
  // Shared, so that a per-request copy with a variant's overrides stays cheap. Never null.
  std::shared_ptr<const std::vector<Experiment>> experiments =
      std::make_shared<const std::vector<Experiment>>();
};

// The experiment running on `surface` (the first whose surface is empty or equal), or null.
const Experiment* ExperimentFor(const TenantConfig& config, std::string_view surface);

// The variant a 64-bit hash of (experiment, user) falls in, by the variants' weights. Every hash
// maps to some variant; equal hashes to the same one.
const ExperimentVariant& PickVariant(const Experiment& experiment, uint64_t hash);

// `config` with `variant`'s overrides applied.
TenantConfig WithVariant(const TenantConfig& config, const ExperimentVariant& variant);

Result<TenantConfig> ParseTenantConfig(std::string_view json);

}  // namespace recsys
