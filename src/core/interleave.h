// Team-draft interleaving (Radlinski, Kurup and Joachims 2008): two rankings merged into one list
// in which every item is credited to the ranking ("team") that picked it, so that clicks on one
// shared list say which ranking users prefer. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/ranker.h"

namespace recsys {

struct Interleaved {
  std::vector<RankedItem> items;
  std::vector<uint8_t> teams;  // per item: 0 picked by the first ranking, 1 by the second
};

// Merges `first` and `second` into at most `k` items. Each round, the team with fewer picks so far
// (a coin flip drawn from `seed` when they have as many) adds its highest-ranked item not yet in
// the list; a team with nothing left lets the other pick. Deterministic for equal input and seed.
Interleaved TeamDraftInterleave(std::span<const RankedItem> first,
                                std::span<const RankedItem> second, int k, uint64_t seed);

}  // namespace recsys
