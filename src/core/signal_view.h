// What ranking reads: a namespace's base snapshot and, when there is one, its live layer, seen as
// one snapshot of all their rows (architecture.md "Signals in two layers").
//
// Item indexes: the base's items keep their indexes; items only the live layer knows follow them
// (base size + k). Such items have no tags, brand or category (the catalog's items are all in
// the base). For a request on the live layer's newest day, popularity is `base × factor + live`
// and the popularity order is the merge of the base's order with the live items' (exact: an item
// with no live events keeps its base rank relative to the others). Neighbour lists are the base's
// top kMaxNeighbours plus the live pairs, cut to kMaxNeighbours again; the one difference from a
// single snapshot: a neighbour below the base's top kMaxNeighbours that gains live pairs counts
// only those until the next base build.
//
// Holds references only: REQUIRES the base and the live view (its lock) outlive this object.
// Cheap to construct; const calls are thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/live_signals.h"
#include "core/snapshot.h"

namespace recsys {

class SignalView {
 public:
  using Neighbour = SignalSnapshot::Neighbour;

  // REQUIRES: when `live` is given, `base` is its base (live->signals().base_).
  explicit SignalView(const SignalSnapshot& base, const LiveSignals::View* live = nullptr)
      : base_(base),
        live_(live != nullptr ? &live->signals() : nullptr),
        base_count_(base.item_count()) {}

  const SignalSnapshot& base() const { return base_; }
  size_t item_count() const { return base_count_ + (live_ ? live_->live_only_.size() : 0); }
  bool empty() const { return item_count() == 0; }
  std::string_view item_id(ItemIndex i) const {
    return i < base_count_ ? base_.item_id(i) : live_->ids_.id(live_->live_only_[i - base_count_]);
  }
  std::optional<ItemIndex> Find(std::string_view item_id) const;
  // Calls fn(index) once for each of `item_ids` found: the base's in order (their lookups
  // overlapped), then those only the live layer knows.
  template <typename Fn>
  void ForEachFound(std::span<const std::string> item_ids, Fn&& fn) const {
    base_.ForEachFound(item_ids, fn);
    if (live_ == nullptr || live_->live_only_.empty()) return;
    for (const std::string& id : item_ids) {
      auto found = live_->ids_.Find(id);
      if (found && live_->items_[*found].base == LiveSignals::kNone) fn(live_->items_[*found].view);
    }
  }

  // The day popularity() is decayed to: the live layer's newest day, else the base's.
  int32_t reference_day() const { return live_ ? live_->day_ : base_.reference_day(); }
  float popularity(ItemIndex i) const;
  // Popularity decayed to `day` (days since epoch).
  double PopularityAt(ItemIndex i, int32_t day) const;
  // Calls fn(i) for items in popularity order (descending, ties by id), until fn returns false.
  // `base_order` is by_popularity() or a tag's posting list; with a posting list, pass its tag
  // as `carrying` (live items are then walked only if they carry it).
  template <typename Fn>
  void ForEachByPopularity(std::span<const ItemIndex> base_order, TagIndex carrying, Fn&& fn) const;

  std::span<const Neighbour> neighbours(ItemIndex i) const { return Lists(i, false); }
  std::span<const Neighbour> successors(ItemIndex i) const { return Lists(i, true); }

  size_t tag_count() const { return base_.tag_count(); }
  std::optional<TagIndex> FindTag(std::string_view tag) const { return base_.FindTag(tag); }
  std::span<const TagIndex> tags(ItemIndex i) const {
    return i < base_count_ ? base_.tags(i) : std::span<const TagIndex>();
  }
  bool HasTag(ItemIndex i, TagIndex t) const { return i < base_count_ && base_.HasTag(i, t); }
  std::span<const ItemIndex> posting(TagIndex t) const { return base_.posting(t); }
  TagIndex brand(ItemIndex i) const { return i < base_count_ ? base_.brand(i) : kNoTag; }
  TagIndex category(ItemIndex i) const { return i < base_count_ ? base_.category(i) : kNoTag; }
  std::span<const ItemIndex> by_popularity() const { return base_.by_popularity(); }

 private:
  // The live index of view item i, or LiveSignals::kNone.
  uint32_t LiveIndex(ItemIndex i) const;
  bool WalkFromLive(ItemIndex base_item) const {
    return (live_->in_order_[base_item / 64] >> (base_item % 64)) & 1;
  }
  std::span<const Neighbour> Lists(ItemIndex i, bool successors) const;

  const SignalSnapshot& base_;
  const LiveSignals* live_;
  size_t base_count_;
};

template <typename Fn>
void SignalView::ForEachByPopularity(std::span<const ItemIndex> base_order, TagIndex carrying,
                                     Fn&& fn) const {
  if (live_ == nullptr || live_->order_.empty()) {
    for (ItemIndex i : base_order) {
      if (!fn(i)) return;
    }
    return;
  }
  // Merge the base's order (items with live events skipped: they are in the live order with
  // their combined score) with the live order (a tag's, when walking its posting list: only
  // base items carry tags). The base's scores all shrink by one factor, so its order holds.
  const LiveSignals::Order* live_order = &live_->order_;
  if (carrying != kNoTag) {
    auto found = live_->tag_orders_.find(carrying);
    if (found == live_->tag_orders_.end()) {
      for (ItemIndex i : base_order) {
        if (!fn(i)) return;
      }
      return;
    }
    live_order = &found->second;
  }
  const float factor = live_->factor_;
  auto live = live_order->begin();
  const auto live_end = live_order->end();
  size_t next = 0;
  for (;;) {
    while (next < base_order.size() && WalkFromLive(base_order[next])) ++next;
    if (next == base_order.size() && live == live_end) return;
    bool take_live = next == base_order.size();
    if (!take_live && live != live_end) {
      const auto& item = live_->items_[*live];
      const float base_score = base_.popularity(base_order[next]) * factor;
      take_live = item.combined != base_score
                      ? item.combined > base_score
                      : live_->ids_.id(*live) < base_.item_id(base_order[next]);
    }
    if (take_live) {
      if (!fn(live_->items_[*live].view)) return;
      ++live;
    } else {
      if (!fn(base_order[next])) return;
      ++next;
    }
  }
}

}  // namespace recsys
