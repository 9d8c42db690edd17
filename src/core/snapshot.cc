#include "core/snapshot.h"

#include <algorithm>
#include <numeric>
#include <thread>

#include "core/rules.h"
#include "core/top_neighbours.h"

namespace recsys {

std::optional<ItemIndex> SignalSnapshot::Find(std::string_view item_id) const {
  return item_ids_.Find(item_id);
}

std::optional<TagIndex> SignalSnapshot::FindTag(std::string_view tag) const {
  return tag_names_.Find(tag);
}

bool SignalSnapshot::HasTagSearched(ItemIndex i, TagIndex t) const {
  auto list = tags(i);
  return std::binary_search(list.begin(), list.end(), t);
}

void SignalSnapshot::ClassifyTags() {
  const size_t tag_count = tag_names_.size();
  tag_shortcuts_.assign(tag_count, kNoShortcut);
  for (TagIndex t = 0; t < tag_count; ++t) {
    if (tag_names_.id(t).rfind("brand:", 0) == 0) tag_shortcuts_[t] = kBrandShortcut;
    if (tag_names_.id(t).rfind("category:", 0) == 0) tag_shortcuts_[t] = kCategoryShortcut;
  }
}

void SignalSnapshot::KeepShortcutsOfOnePerItem() {
  bool one_brand = true, one_category = true;
  for (ItemIndex i = 0; i < item_ids_.size(); ++i) {
    int brands = 0, categories = 0;
    for (TagIndex t : tags(i)) {
      brands += tag_shortcuts_[t] == kBrandShortcut;
      categories += tag_shortcuts_[t] == kCategoryShortcut;
    }
    one_brand = one_brand && brands <= 1;
    one_category = one_category && categories <= 1;
  }
  for (uint8_t& shortcut : tag_shortcuts_) {
    if ((shortcut == kBrandShortcut && !one_brand) ||
        (shortcut == kCategoryShortcut && !one_category)) {
      shortcut = kNoShortcut;
    }
  }
}

double SignalSnapshot::PopularityAt(ItemIndex i, int32_t day) const {
  double sum = 0;
  for (uint32_t r = day_offsets_[i]; r < day_offsets_[i + 1]; ++r) {
    const int32_t age = std::max(0, day - days_[r].day);
    sum += days_[r].score * DecayWeight(age, half_life_days_);
  }
  return sum;
}

size_t SignalSnapshot::MemoryBytes() const {
  size_t bytes = item_ids_.MemoryBytes() + tag_names_.MemoryBytes();
  bytes += popularity_.capacity() * sizeof(float) + days_.capacity() * sizeof(DayScore);
  bytes += (day_offsets_.capacity() + neighbour_offsets_.capacity() + tag_offsets_.capacity() +
            posting_offsets_.capacity()) *
           sizeof(uint32_t);
  bytes += by_popularity_.capacity() * sizeof(ItemIndex) +
           (neighbours_.capacity() + successors_.capacity()) * sizeof(Neighbour) +
           successor_offsets_.capacity() * sizeof(uint32_t);
  bytes +=
      (item_tags_.capacity() + postings_.capacity() + brand_.capacity() + category_.capacity()) *
          sizeof(uint32_t) +
      tag_shortcuts_.capacity();
  return bytes;
}

SnapshotBuilder::SnapshotBuilder(int32_t reference_day, double half_life_days)
    : snap_(std::make_unique<SignalSnapshot>()) {
  snap_->reference_day_ = reference_day;
  snap_->through_day_ = reference_day;
  snap_->half_life_days_ = half_life_days > 0 ? half_life_days : 30;
}

void SnapshotBuilder::SetThroughDay(int32_t day) { snap_->through_day_ = day; }

ItemIndex SnapshotBuilder::Intern(std::string_view item_id) {
  const IdTable& ids = snap_->item_ids_;
  if (last_index_ != UINT32_MAX) {
    if (item_id == ids.id(last_index_)) return last_index_;
    // Tables written item by item list their items in the same order, so the next row's item is
    // often the one interned after the last: one read of the arena, which is in that order,
    // instead of a hash lookup's two cache misses.
    if (last_index_ + 1 < ids.size() && item_id == ids.id(last_index_ + 1)) return ++last_index_;
  }
  return InternHashed(item_id, IdTable::Hash(item_id));
}

ItemIndex SnapshotBuilder::InternHashed(std::string_view item_id, uint32_t hash) {
  last_index_ = snap_->item_ids_.Intern(item_id, hash);
  if (last_index_ == tags_.size()) {
    tags_.emplace_back();
    listed_.push_back(0);
  }
  return last_index_;
}

TagIndex SnapshotBuilder::InternTag(std::string_view tag) { return snap_->tag_names_.Intern(tag); }

void SnapshotBuilder::AddTag(std::string_view item_id, std::string_view raw_tag) {
  const ItemIndex item = Intern(item_id);
  listed_[item] = 1;
  const std::string tag = NormalizeTag(raw_tag);
  if (!tag.empty()) tags_[item].push_back(InternTag(tag));
}

void SnapshotBuilder::AddTags(std::string_view item_id, const std::vector<std::string>& tags) {
  listed_[Intern(item_id)] = 1;
  for (const std::string& tag : tags) AddTag(item_id, tag);
}

void SnapshotBuilder::AddPopularity(std::string_view item_id, int32_t day, double score) {
  day_rows_.push_back({Intern(item_id), {day, static_cast<float>(score)}});
}

void SnapshotBuilder::AddCovisit(std::string_view item_id, std::string_view neighbour_id,
                                 double score) {
  const ItemIndex a = Intern(item_id);
  const ItemIndex b = Intern(neighbour_id);
  if (a == b) return;
  covisit_.push_back({a, b, static_cast<float>(score)});
}

void SnapshotBuilder::AddSequence(std::string_view item_id, std::string_view next_id,
                                  double score) {
  const ItemIndex a = Intern(item_id);
  const ItemIndex b = Intern(next_id);
  if (a == b) return;
  sequence_.push_back({a, b, static_cast<float>(score)});
}

void CovisitBatch::Add(std::string_view item_id, std::string_view neighbour_id, double score) {
  // Rows come grouped by item, so the item is nearly always the previous row's.
  if (last_item_ == UINT32_MAX || item_id != ids_.id(last_item_)) last_item_ = ids_.Intern(item_id);
  if (added_ - resolved_ == kLookahead) Resolve(pending_[resolved_++ % kLookahead]);
  Pending& p = pending_[added_++ % kLookahead];
  p.item = last_item_;
  p.hash = IdTable::Hash(neighbour_id);
  p.score = static_cast<float>(score);
  p.neighbour.assign(neighbour_id);
  ids_.PrefetchSlot(p.hash);  // the slot now, its entry when this row is half-way through the queue
  if (added_ - resolved_ > kLookahead / 2) {
    ids_.PrefetchEntry(pending_[(added_ - 1 - kLookahead / 2) % kLookahead].hash);
  }
}

void CovisitBatch::Resolve(const Pending& p) {
  rows_.push_back({p.item, ids_.Intern(p.neighbour, p.hash), p.score});
}

void CovisitBatch::Flush() {
  while (resolved_ < added_) Resolve(pending_[resolved_++ % kLookahead]);
}

void SnapshotBuilder::AddCovisitBatch(CovisitBatch& batch) {
  batch.Flush();
  // The batch's ids are interned here with their cache misses overlapped, as CovisitBatch::Add
  // does for its rows: each id's slot is requested kAhead ids early, its entry half that.
  const IdTable& ids = snap_->item_ids_;
  const uint32_t count = static_cast<uint32_t>(batch.ids_.size());
  constexpr uint32_t kAhead = 16;
  uint32_t hashes[kAhead];
  auto request = [&](uint32_t i) {
    hashes[i % kAhead] = IdTable::Hash(batch.ids_.id(i));
    ids.PrefetchSlot(hashes[i % kAhead]);
  };
  for (uint32_t i = 0; i < std::min(count, kAhead); ++i) request(i);
  std::vector<ItemIndex> global(count);
  for (uint32_t i = 0; i < count; ++i) {
    if (i + kAhead / 2 < count) ids.PrefetchEntry(hashes[(i + kAhead / 2) % kAhead]);
    global[i] = InternHashed(batch.ids_.id(i), hashes[i % kAhead]);
    if (i + kAhead < count) request(i + kAhead);
  }
  covisit_.reserve(covisit_.size() + batch.rows_.size());
  for (const CovisitBatch::Row& row : batch.rows_) {
    if (row.item != row.neighbour) {
      covisit_.push_back({global[row.item], global[row.neighbour], row.score});
    }
  }
}

void SnapshotBuilder::BuildNeighbourLists(std::vector<PairRow>& rows,
                                          std::vector<uint32_t>& offsets,
                                          std::vector<SignalSnapshot::Neighbour>& lists) {
  const SignalSnapshot& s = *snap_;
  const size_t n = s.item_ids_.size();
  // Rows are grouped per item by a counting sort (COPY gives them mostly grouped already, so the
  // placing pass runs nearly in order); then each item's few rows are sorted to sum repeated
  // pairs (rows of different days) and to keep the top kMaxNeighbours by score, ties by
  // neighbour id. Two std::sorts of the whole 10M-row vector took over a second of a cold load.
  std::vector<uint32_t> starts(n + 1, 0);
  for (const PairRow& row : rows) ++starts[row.item + 1];
  std::partial_sum(starts.begin(), starts.end(), starts.begin());
  std::vector<SignalSnapshot::Neighbour> grouped(rows.size());
  {
    std::vector<uint32_t> next(starts.begin(), starts.end() - 1);
    for (const PairRow& row : rows) grouped[next[row.item]++] = {row.neighbour, row.score};
  }
  rows.clear();
  rows.shrink_to_fit();
  offsets.assign(n + 1, 0);
  for (ItemIndex item = 0; item < n; ++item) {
    const auto first = grouped.begin() + starts[item];
    const auto last = grouped.begin() + starts[item + 1];
    if (first == last) continue;
    const auto kept = SumAndKeepTopNeighbours(
        first, last, [&s](ItemIndex neighbour) { return s.item_ids_.id(neighbour); });
    lists.insert(lists.end(), first, kept);
    offsets[item + 1] = static_cast<uint32_t>(kept - first);
  }
  std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
}

void SnapshotBuilder::KeepAtMostMaxItems() {
  SignalSnapshot& s = *snap_;
  const size_t n = s.item_ids_.size();
  dropped_items_ = 0;
  if (max_items_ == 0 || n <= max_items_) return;
  std::vector<double> popularity(n, 0);
  for (const auto& [item, row] : day_rows_) {
    const int32_t age = std::max(0, s.reference_day_ - row.day);
    popularity[item] += row.score * DecayWeight(age, s.half_life_days_);
  }
  std::vector<ItemIndex> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::nth_element(order.begin(), order.begin() + static_cast<ptrdiff_t>(max_items_), order.end(),
                   [&](ItemIndex a, ItemIndex b) {
                     if (listed_[a] != listed_[b]) return listed_[a] > listed_[b];
                     if (popularity[a] != popularity[b]) return popularity[a] > popularity[b];
                     return s.item_ids_.id(a) < s.item_ids_.id(b);
                   });
  std::vector<uint8_t> keep(n, 0);
  for (size_t k = 0; k < max_items_; ++k) keep[order[k]] = 1;
  // Kept items keep their relative order, so rows grouped by item stay grouped.
  constexpr ItemIndex kDropped = UINT32_MAX;
  std::vector<ItemIndex> remap(n, kDropped);
  IdTable kept_ids;
  std::vector<std::vector<TagIndex>> kept_tags;
  for (ItemIndex i = 0; i < n; ++i) {
    if (!keep[i]) continue;
    remap[i] = kept_ids.Intern(s.item_ids_.id(i));
    kept_tags.push_back(std::move(tags_[i]));
  }
  s.item_ids_ = std::move(kept_ids);
  tags_ = std::move(kept_tags);
  listed_.clear();
  std::erase_if(day_rows_, [&](auto& row) {
    row.first = remap[row.first];
    return row.first == kDropped;
  });
  for (std::vector<PairRow>* rows : {&covisit_, &sequence_}) {
    std::erase_if(*rows, [&](PairRow& row) {
      row.item = remap[row.item];
      row.neighbour = remap[row.neighbour];
      return row.item == kDropped || row.neighbour == kDropped;
    });
  }
  last_index_ = UINT32_MAX;
  dropped_items_ = n - max_items_;
}

void SnapshotBuilder::BuildPopularity() {
  SignalSnapshot& s = *snap_;
  const size_t n = s.item_ids_.size();
  // Daily popularity rows, grouped per item (counting sort), and the decayed sum.
  s.day_offsets_.assign(n + 1, 0);
  for (const auto& [item, row] : day_rows_) ++s.day_offsets_[item + 1];
  std::partial_sum(s.day_offsets_.begin(), s.day_offsets_.end(), s.day_offsets_.begin());
  s.days_.resize(day_rows_.size());
  {
    std::vector<uint32_t> cursor(s.day_offsets_.begin(), s.day_offsets_.end() - 1);
    for (const auto& [item, row] : day_rows_) s.days_[cursor[item]++] = row;
  }
  day_rows_.clear();
  day_rows_.shrink_to_fit();
  s.popularity_.resize(n);
  for (ItemIndex i = 0; i < n; ++i) {
    s.popularity_[i] = static_cast<float>(s.PopularityAt(i, s.reference_day_));
  }

  s.by_popularity_.resize(n);
  std::iota(s.by_popularity_.begin(), s.by_popularity_.end(), 0);
  std::sort(s.by_popularity_.begin(), s.by_popularity_.end(), [&s](ItemIndex a, ItemIndex b) {
    if (s.popularity_[a] != s.popularity_[b]) return s.popularity_[a] > s.popularity_[b];
    return s.item_ids_.id(a) < s.item_ids_.id(b);
  });
}

void SnapshotBuilder::BuildTags() {
  SignalSnapshot& s = *snap_;
  const size_t n = s.item_ids_.size();
  // Tags: per item sorted and unique; brand/category; posting lists in popularity order.
  const size_t tag_count = s.tag_names_.size();
  s.ClassifyTags();
  s.tag_offsets_.assign(n + 1, 0);
  s.brand_.assign(n, kNoTag);
  s.category_.assign(n, kNoTag);
  for (ItemIndex i = 0; i < n; ++i) {
    auto& list = tags_[i];
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    s.tag_offsets_[i + 1] = s.tag_offsets_[i] + static_cast<uint32_t>(list.size());
    for (TagIndex t : list) {
      s.item_tags_.push_back(t);
      if (s.tag_shortcuts_[t] == SignalSnapshot::kBrandShortcut && s.brand_[i] == kNoTag)
        s.brand_[i] = t;
      if (s.tag_shortcuts_[t] == SignalSnapshot::kCategoryShortcut && s.category_[i] == kNoTag) {
        s.category_[i] = t;
      }
    }
  }
  tags_.clear();
  s.KeepShortcutsOfOnePerItem();
  s.posting_offsets_.assign(tag_count + 1, 0);
  for (TagIndex t : s.item_tags_) ++s.posting_offsets_[t + 1];
  std::partial_sum(s.posting_offsets_.begin(), s.posting_offsets_.end(),
                   s.posting_offsets_.begin());
  s.postings_.resize(s.item_tags_.size());
  {
    std::vector<uint32_t> cursor(s.posting_offsets_.begin(), s.posting_offsets_.end() - 1);
    for (ItemIndex item : s.by_popularity_) {
      for (TagIndex t : s.tags(item)) s.postings_[cursor[t]++] = item;
    }
  }
}

std::shared_ptr<const SignalSnapshot> SnapshotBuilder::Build() {
  KeepAtMostMaxItems();
  SignalSnapshot& s = *snap_;
  // Co-visitation is the largest part (tens of millions of rows to sort): it builds on a thread
  // of its own meanwhile. The parts write disjoint members and only read the interned ids.
  std::thread covisit(
      [this, &s] { BuildNeighbourLists(covisit_, s.neighbour_offsets_, s.neighbours_); });
  BuildPopularity();
  BuildNeighbourLists(sequence_, s.successor_offsets_, s.successors_);
  BuildTags();  // posting lists need the popularity order
  covisit.join();
  return std::shared_ptr<const SignalSnapshot>(std::move(snap_));
}

}  // namespace recsys
