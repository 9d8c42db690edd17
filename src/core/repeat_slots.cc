#include "core/repeat_slots.h"

#include <algorithm>
#include <cmath>

namespace recsys {

double RepeatPropensity(std::span<const HistoryItem> history) {
  double visits = 0, returns = 0;
  for (const HistoryItem& h : history) {
    const int occasions = std::max(1, h.occasions);
    visits += occasions;
    returns += occasions - 1;
  }
  return visits > 0 ? returns / visits : 0;
}

int RepeatSlotCount(const RepeatSlots& config, int slots, std::span<const HistoryItem> history) {
  int count = 0;
  switch (config.mode) {
    case RepeatSlots::kBlend:
      return 0;
    case RepeatSlots::kFixed:
      count = config.fixed;
      break;
    case RepeatSlots::kAuto:
      count = static_cast<int>(std::lround(slots * RepeatPropensity(history)));
      count = std::clamp(count, config.min, config.max);
      break;
  }
  return std::clamp(count, 0, std::max(0, slots));
}

}  // namespace recsys
