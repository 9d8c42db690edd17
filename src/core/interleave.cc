#include "core/interleave.h"

#include <algorithm>

#include "core/random.h"

namespace recsys {

Interleaved TeamDraftInterleave(std::span<const RankedItem> first,
                                std::span<const RankedItem> second, int k, uint64_t seed) {
  Interleaved out;
  const std::span<const RankedItem> teams[2] = {first, second};
  size_t next[2] = {0, 0};
  int picks[2] = {0, 0};
  SplitMix64 coin(seed);
  auto shown = [&](ItemIndex item) {
    return std::any_of(out.items.begin(), out.items.end(),
                       [item](const RankedItem& r) { return r.item == item; });
  };
  // Skips the team's items already in the list; whether it has one left.
  auto has_next = [&](int team) {
    while (next[team] < teams[team].size() && shown(teams[team][next[team]].item)) ++next[team];
    return next[team] < teams[team].size();
  };
  while (static_cast<int>(out.items.size()) < k) {
    const bool first_left = has_next(0), second_left = has_next(1);
    if (!first_left && !second_left) break;
    int team = picks[0] < picks[1]   ? 0
               : picks[1] < picks[0] ? 1
                                     : static_cast<int>(coin.Next() & 1);
    if (team == 0 && !first_left) team = 1;
    if (team == 1 && !second_left) team = 0;
    out.items.push_back(teams[team][next[team]++]);
    out.teams.push_back(static_cast<uint8_t>(team));
    ++picks[team];
  }
  return out;
}

}  // namespace recsys
