#include "core/live_signals.h"

#include <algorithm>
#include <tuple>

#include "core/heap_bytes.h"
#include "core/top_neighbours.h"

namespace recsys {
namespace {

// Per entry of a node-based container: the node's links and allocation header.
constexpr size_t kNodeBytes = 4 * sizeof(void*);
}  // namespace

bool LiveSignals::ByCombined::operator()(uint32_t a, uint32_t b) const {
  const float x = signals->items_[a].combined, y = signals->items_[b].combined;
  if (x != y) return x > y;
  return signals->ids_.id(a) < signals->ids_.id(b);
}

LiveSignals::LiveSignals(const LiveParams& params, std::shared_ptr<const SignalSnapshot> base,
                         std::vector<bool> unavailable)
    : params_(params), base_(std::move(base)), unavailable_(std::move(unavailable)) {
  day_ = base_->reference_day();
  in_order_.assign((base_->item_count() + 63) / 64, 0);
  live_of_base_.assign(base_->item_count(), kNone);
  UpdateBytes();
}

std::shared_ptr<const SignalSnapshot> LiveSignals::base() const {
  std::shared_lock lock(mu_);
  return base_;
}

std::vector<int32_t> LiveSignals::days() const {
  std::shared_lock lock(mu_);
  std::vector<int32_t> days;
  for (const auto& [day, layer] : live_days_) days.push_back(day);
  return days;
}

uint32_t LiveSignals::Intern(std::string_view item_id) {
  const auto live = ids_.Intern(item_id);
  if (live < items_.size()) return live;
  ++batch_new_items_;
  ItemState& state = items_.emplace_back();
  if (auto base = base_->Find(item_id)) {
    state.base = *base;
    state.view = *base;
    live_of_base_[*base] = live;
  } else {
    state.view = static_cast<ItemIndex>(base_->item_count() + live_only_.size());
    live_only_.push_back(live);
  }
  return live;
}

size_t LiveSignals::GrowthFor(const LiveEvent& event, int32_t day) const {
  // The tables that grow by doubling dominate: a new item's id and state, its day's item and
  // session tables, the session's rows, and slack for its pairs.
  constexpr size_t kPerEventSlack = 512;
  const std::string_view item_id = event.item_id;
  auto known = ids_.Find(item_id);
  size_t growth = kPerEventSlack;
  uint32_t item = known ? *known : static_cast<uint32_t>(ids_.size());
  if (!known) {
    growth += ids_.GrowthForNew(item_id.size());
    // The per-item tables: states, the popularity order, and the live-only index.
    for (auto [bytes_per_item, size, capacity] :
         {std::tuple{sizeof(ItemState), items_.size(), items_.capacity()},
          // order_ takes this batch's new items only when the batch ends.
          std::tuple{sizeof(uint32_t), order_.size() + batch_new_items_, order_.capacity()},
          std::tuple{sizeof(uint32_t), live_only_.size(), live_only_.capacity()}}) {
      if (size >= capacity) growth += std::max<size_t>(size, 1) * bytes_per_item;
    }
  }
  auto layer = live_days_.find(day);
  if (layer != live_days_.end()) {
    growth += layer->second->GrowthFor(item, event.session);
  } else {
    growth += (item + 1) * 64;  // a new day's table, about 64 bytes an item
  }
  return growth;
}

LiveDay& LiveSignals::DayLayer(int32_t day) {
  auto& layer = live_days_[day];
  if (!layer) layer = std::make_unique<LiveDay>(params_.event_weights.data(), &ids_);
  return *layer;
}

size_t LiveSignals::Apply(std::span<const LiveEvent> events, size_t max_bytes) {
  std::unique_lock lock(mu_);
  const int32_t through_day = base_->through_day();
  const int32_t day_before = day_;
  touched_.clear();
  popularity_touched_.clear();
  batch_new_items_ = 0;
  size_t folded = 0;
  for (const LiveEvent& event : events) {
    const int32_t day = DayOf(event.at);
    if (day <= through_day) {
      closed_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (bytes_.load(std::memory_order_relaxed) + GrowthFor(event, day) > max_bytes) {
      refused_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    const uint32_t live = Intern(event.item_id);
    DayLayer(day).Add(live, event.session, event.type, event.at, event.id, &touched_);
    popularity_touched_.push_back(live);
    day_ = std::max(day_, day);
    ++folded;
    UpdateBytes();  // O(days): the cap holds per event
  }
  if (day_ != day_before) {
    // A new day: every live item's decay moved (its pairs did not: they are not decayed).
    factor_ = BaseFactor();
    ReorderPopularity();
    for (uint32_t live : touched_) RebuildLists(live);
  } else {
    for (auto* list : {&popularity_touched_, &touched_}) {
      std::sort(list->begin(), list->end());
      list->erase(std::unique(list->begin(), list->end()), list->end());
    }
    for (uint32_t live : popularity_touched_) UpdatePopularity(live);
    Resort(popularity_touched_);
    for (uint32_t live : touched_) RebuildLists(live);
  }
  UpdateBytes();
  folded_.fetch_add(folded, std::memory_order_relaxed);
  return folded;
}

void LiveSignals::MergeOrder(std::vector<uint32_t>& order, std::vector<uint32_t>& moved) const {
  const ByCombined before{this};
  std::sort(moved.begin(), moved.end(), before);
  const size_t kept = order.size();
  order.insert(order.end(), moved.begin(), moved.end());
  std::inplace_merge(order.begin(), order.begin() + static_cast<ptrdiff_t>(kept), order.end(),
                     before);
}

void LiveSignals::Resort(const std::vector<uint32_t>& changed) {
  if (changed.empty()) return;
  // Take the changed items out (one pass), then merge them back in at their new places: a
  // batch costs O(order + changed log changed), and readers walk flat arrays.
  for (uint32_t live : changed) items_[live].moving = true;
  auto moving = [this](uint32_t live) { return items_[live].moving; };
  std::erase_if(order_, moving);
  std::vector<uint32_t> moved;
  std::unordered_map<TagIndex, std::vector<uint32_t>> moved_by_tag;
  for (uint32_t live : changed) {
    const ItemState& item = items_[live];
    if (item.base != kNone) {
      for (TagIndex tag : base_->tags(item.base)) {
        auto& list = moved_by_tag[tag];
        if (item.live_pop > 0) list.push_back(live);
      }
    }
    if (item.live_pop > 0) moved.push_back(live);
  }
  MergeOrder(order_, moved);
  for (auto& [tag, list] : moved_by_tag) {
    Order& order = tag_orders_[tag];
    tag_order_entries_ -= order.size();
    std::erase_if(order, moving);
    MergeOrder(order, list);
    tag_order_entries_ += order.size();
    if (order.empty()) tag_orders_.erase(tag);
  }
  for (uint32_t live : changed) items_[live].moving = false;
}

void LiveSignals::UpdatePopularity(uint32_t live) {
  ItemState& item = items_[live];
  item.live_pop = 0;
  for (const auto& [day, layer] : live_days_) {
    item.live_pop += layer->popularity(live) * DecayWeight(day_ - day, params_.half_life_days);
  }
  const double base_pop = item.base != kNone ? base_->popularity(item.base) * factor_ : 0.0;
  item.combined = static_cast<float>(base_pop + item.live_pop);
  if (item.base != kNone) {
    uint64_t& word = in_order_[item.base / 64];
    const uint64_t bit = uint64_t{1} << (item.base % 64);
    word = item.live_pop > 0 ? (word | bit) : (word & ~bit);
  }
}

void LiveSignals::RebuildLists(uint32_t live) {
  Merge(live, /*successors=*/false);
  Merge(live, /*successors=*/true);
}

void LiveSignals::Merge(uint32_t live, bool successors) {
  ItemState& item = items_[live];
  std::vector<Neighbour>& merged = successors ? item.successors : item.neighbours;
  bool& in_use = successors ? item.has_successors : item.has_neighbours;
  list_bytes_ -= HeapBytes(merged.capacity() * sizeof(Neighbour));
  MergeInto(live, successors, merged);
  in_use = !merged.empty();
  list_bytes_ += HeapBytes(merged.capacity() * sizeof(Neighbour));
}

void LiveSignals::MergeInto(uint32_t live, bool successors, std::vector<Neighbour>& merged) {
  const ItemState& item = items_[live];
  merged.clear();
  for (const auto& [day, layer] : live_days_) {
    const double unit = successors ? LiveDay::kSequenceUnit : 1.0;
    for (const LiveDay::Pair& p : successors ? layer->sequence(live) : layer->covisit(live)) {
      merged.push_back({items_[p.item].view, static_cast<float>(p.count / unit)});
    }
  }
  if (merged.empty()) {
    merged.shrink_to_fit();
    return;
  }
  if (item.base != kNone) {
    auto base_list = successors ? base_->successors(item.base) : base_->neighbours(item.base);
    merged.insert(merged.end(), base_list.begin(), base_list.end());
  }
  // A neighbour's parts (days, base) summed, the top kMaxNeighbours kept as the snapshot does.
  const size_t base_count = base_->item_count();
  auto id = [&](ItemIndex view) -> std::string_view {
    return view < base_count ? base_->item_id(view) : ids_.id(live_only_[view - base_count]);
  };
  merged.erase(SumAndKeepTopNeighbours(merged.begin(), merged.end(), id), merged.end());
}

void LiveSignals::SetBase(std::shared_ptr<const SignalSnapshot> base,
                          std::vector<bool> unavailable) {
  std::unique_lock lock(mu_);
  base_ = std::move(base);
  unavailable_ = std::move(unavailable);
  const int32_t reference_day = base_->reference_day();
  const int32_t through_day = base_->through_day();
  const size_t days_before = live_days_.size();
  std::erase_if(live_days_, [through_day](const auto& day) { return day.first <= through_day; });
  if (live_days_.size() != days_before) Compact();
  // Each live item's place in the new base.
  live_only_.clear();
  live_of_base_.assign(base_->item_count(), kNone);
  for (uint32_t live = 0; live < items_.size(); ++live) {
    ItemState& item = items_[live];
    auto found = base_->Find(ids_.id(live));
    item.base = found ? *found : kNone;
    if (found) {
      item.view = *found;
      live_of_base_[*found] = live;
    } else {
      item.view = static_cast<ItemIndex>(base_->item_count() + live_only_.size());
      live_only_.push_back(live);
    }
  }
  in_order_.assign((base_->item_count() + 63) / 64, 0);
  day_ = reference_day;
  if (!live_days_.empty()) day_ = std::max(day_, live_days_.rbegin()->first);
  Reindex();
  UpdateBytes();
}

float LiveSignals::BaseFactor() const {
  return static_cast<float>(DecayWeight(day_ - base_->reference_day(), params_.half_life_days));
}

void LiveSignals::ReorderPopularity() {
  order_.clear();
  tag_orders_.clear();
  tag_order_entries_ = 0;
  std::fill(in_order_.begin(), in_order_.end(), 0);
  std::vector<uint32_t> all(items_.size());
  for (uint32_t live = 0; live < items_.size(); ++live) {
    UpdatePopularity(live);
    all[live] = live;
  }
  Resort(all);
}

void LiveSignals::Reindex() {
  factor_ = BaseFactor();
  ReorderPopularity();
  for (uint32_t live = 0; live < items_.size(); ++live) RebuildLists(live);
}

void LiveSignals::Compact() {
  std::vector<uint32_t> new_index(ids_.size(), kNone);
  std::vector<uint32_t> kept;
  for (const auto& [day, layer] : live_days_) {
    layer->ForEachItem([&](uint32_t live) {
      if (new_index[live] == kNone) {
        new_index[live] = static_cast<uint32_t>(kept.size());
        kept.push_back(live);
      }
    });
  }
  IdTable ids;
  for (uint32_t live : kept) ids.Intern(ids_.id(live));
  ids_ = std::move(ids);
  items_.assign(ids_.size(), ItemState{});
  list_bytes_ = 0;
  for (const auto& [day, layer] : live_days_) layer->Remap(new_index);
}

void LiveSignals::UpdateBytes() {
  size_t bytes = 0;
  for (const auto& [day, layer] : live_days_) bytes += layer->MemoryBytes() + kNodeBytes;
  bytes += list_bytes_ + ids_.MemoryBytes() + items_.capacity() * sizeof(ItemState);
  bytes += live_of_base_.capacity() * sizeof(uint32_t) +
           tag_order_entries_ * sizeof(uint32_t) * 2 +  // vectors at up to twice their size
           tag_orders_.size() * (sizeof(Order) + kNodeBytes);
  bytes += order_.capacity() * sizeof(uint32_t) + in_order_.capacity() * 8 +
           live_only_.capacity() * sizeof(uint32_t);
  bytes_.store(bytes, std::memory_order_relaxed);
}

}  // namespace recsys
