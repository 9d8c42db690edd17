#include "core/signal_view.h"

#include <algorithm>

namespace recsys {

std::optional<ItemIndex> SignalView::Find(std::string_view item_id) const {
  if (auto i = base_.Find(item_id)) return i;
  if (live_ == nullptr) return std::nullopt;
  auto found = live_->ids_.Find(item_id);
  if (!found) return std::nullopt;
  return live_->items_[*found].view;
}

uint32_t SignalView::LiveIndex(ItemIndex i) const {
  if (i >= base_count_) return live_->live_only_[i - base_count_];
  return live_->live_of_base_[i];
}

float SignalView::popularity(ItemIndex i) const {
  if (live_ == nullptr) return base_.popularity(i);
  if (i < base_count_ && !WalkFromLive(i)) return base_.popularity(i) * live_->factor_;
  return live_->items_[LiveIndex(i)].combined;
}

double SignalView::PopularityAt(ItemIndex i, int32_t day) const {
  double sum = i < base_count_ ? base_.PopularityAt(i, day) : 0.0;
  if (live_ == nullptr) return sum;
  const uint32_t live = LiveIndex(i);
  if (live == LiveSignals::kNone) return sum;
  for (const auto& [live_day, layer] : live_->live_days_) {
    const int32_t age = std::max(0, day - live_day);
    sum += layer->popularity(live) * DecayWeight(age, live_->params_.half_life_days);
  }
  return sum;
}

std::span<const SignalView::Neighbour> SignalView::Lists(ItemIndex i, bool successors) const {
  if (live_ != nullptr) {
    const uint32_t live = LiveIndex(i);
    if (live != LiveSignals::kNone) {
      const auto& item = live_->items_[live];
      if (successors ? item.has_successors : item.has_neighbours) {
        return successors ? item.successors : item.neighbours;
      }
    }
  }
  if (i >= base_count_) return {};
  return successors ? base_.successors(i) : base_.neighbours(i);
}

}  // namespace recsys
