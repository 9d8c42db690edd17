// Epsilon exploration over a ranked list (config ranking.exploration): a few slots show an item
// drawn at random from the ranked list and the pool just below the cut instead of the ranked one,
// so that logged exposures reach items and positions the ranking would not show and off-policy
// estimates can weigh them (eval/off_policy.h). Every shown item's probability of being shown in
// its slot is returned for the exposure row. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "core/ranker.h"

namespace recsys {

// Fills the first `k` slots in order. A pinned slot keeps its pin. Any other slot shows, with
// probability 1 - epsilon, the highest-ranked item not yet shown, and otherwise one drawn uniformly
// from all of `ranked` not yet shown (so ranked[k..] is the pool below the cut, and every item in
// `ranked` can reach every slot: what off-policy estimates need). A drawn item other than the
// deterministic one gains kReasonExploration. `ranked` is cut to k. Returns per shown item its
// propensity given the slots before it: (1 - epsilon) + epsilon / n for the deterministic item,
// epsilon / n for another, n being the items still available; 1 for a pin. Deterministic for
// equal input and seed. REQUIRES: 0 <= epsilon <= 1.
std::vector<float> Explore(std::vector<RankedItem>& ranked, int k, double epsilon, uint64_t seed);

}  // namespace recsys
