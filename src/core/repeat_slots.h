// How many of a response's slots go to the repeat part (ranking.md "Repeat and explore";
// config ranking.repeat_slots). Pure.
#pragma once

#include <span>

#include "core/ranker.h"
#include "core/tenant_config.h"

namespace recsys {

// The share of the user's visits to items that were returns to an item seen before:
// Σ (occasions − 1) / Σ occasions over the history, in [0, 1); 0 for an empty history.
double RepeatPropensity(std::span<const HistoryItem> history);

// The repeat part's slots out of `slots`: `fixed` (kFixed), or round(slots x propensity) within
// [min, max] (kAuto); never more than `slots`. A user who never came back to an item gets `min`
// under kAuto, so a tenant whose users never repeat gives every slot to explore. 0 for kBlend.
int RepeatSlotCount(const RepeatSlots& config, int slots, std::span<const HistoryItem> history);

}  // namespace recsys
