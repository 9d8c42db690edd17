#include "core/exploration.h"

#include <algorithm>

#include "core/random.h"

namespace recsys {

std::vector<float> Explore(std::vector<RankedItem>& ranked, int k, double epsilon, uint64_t seed) {
  const size_t slots = std::min(ranked.size(), static_cast<size_t>(std::max(k, 0)));
  std::vector<RankedItem> shown;
  std::vector<float> propensities;
  shown.reserve(slots);
  propensities.reserve(slots);
  // available: indexes into `ranked` not shown yet and not pinned (a pin keeps its own slot), in
  // ranked order; the first is the slot's deterministic choice.
  std::vector<size_t> available;
  for (size_t i = 0; i < ranked.size(); ++i) {
    if (i >= slots || (ranked[i].reasons & kReasonPin) == 0) available.push_back(i);
  }
  SplitMix64 random(seed);
  for (size_t slot = 0; slot < slots; ++slot) {
    if ((ranked[slot].reasons & kReasonPin) != 0) {
      shown.push_back(ranked[slot]);
      propensities.push_back(1.0f);
      continue;
    }
    const double uniform = epsilon / static_cast<double>(available.size());
    size_t pick = 0;
    if (epsilon > 0 && random.Uniform() < epsilon) pick = random.Below(available.size());
    shown.push_back(ranked[available[pick]]);
    if (pick != 0) shown.back().reasons |= kReasonExploration;
    propensities.push_back(static_cast<float>((pick == 0 ? 1 - epsilon : 0) + uniform));
    available.erase(available.begin() + static_cast<std::ptrdiff_t>(pick));
  }
  ranked = std::move(shown);
  return propensities;
}

}  // namespace recsys
