#include "core/live_day.h"

#include <algorithm>
#include <unordered_set>

#include "core/heap_bytes.h"

namespace recsys {
namespace {

constexpr size_t kMaxSessionItems = 50;  // co-visitation: a session's first 50 distinct items
constexpr int kSequenceReach = 3;        // sequences: the next 3 items
constexpr uint32_t kSixths[kSequenceReach + 1] = {0, 6, 3, 2};  // 1/gap in sixths

// What a vector's buffer takes from malloc (core/heap_bytes.h).
template <typename T>
size_t CapacityBytes(const std::vector<T>& v) {
  return HeapBytes(v.capacity() * sizeof(T));
}

bool RowBefore(TimestampUs at, int64_t id, const auto& row) {
  return at != row.at ? at < row.at : id < row.id;
}

}  // namespace

LiveDay::LiveDay(const double* event_weights, const IdTable* ids) : ids_(ids) {
  std::copy(event_weights, event_weights + kEventTypeCount, weights_);
}

bool LiveDay::FirstBefore(const First& x, const First& y) const {
  return x.at != y.at ? x.at < y.at : ids_->id(x.item) < ids_->id(y.item);
}

LiveDay::ItemState& LiveDay::Item(uint32_t item) {
  if (item >= items_.size()) {
    const size_t before = CapacityBytes(items_);
    items_.resize(item + 1);
    bytes_ += CapacityBytes(items_) - before;
  }
  return items_[item];
}

void LiveDay::AddPair(std::vector<Pair> ItemState::*list, uint32_t a, uint32_t b, int64_t delta,
                      std::vector<uint32_t>* touched) {
  std::vector<Pair>& pairs = Item(a).*list;
  auto it = std::lower_bound(pairs.begin(), pairs.end(), b,
                             [](const Pair& p, uint32_t item) { return p.item < item; });
  const size_t before = CapacityBytes(pairs);
  if (it != pairs.end() && it->item == b) {
    it->count = static_cast<uint32_t>(it->count + delta);
    if (it->count == 0) pairs.erase(it);
  } else {
    pairs.insert(it, {b, static_cast<uint32_t>(delta)});  // delta > 0: a pair is only created
  }
  bytes_ += CapacityBytes(pairs) - before;
  touched->push_back(a);
}

void LiveDay::Add(uint32_t item, std::string_view session_key, EventType type, TimestampUs at,
                  int64_t id, std::vector<uint32_t>* touched) {
  ++events_;
  ItemState& state = Item(item);
  state.seen = true;
  state.popularity += weights_[static_cast<int>(type)];
  if (type == EventType::kImpression) return;  // shows, not actions: they never pair items
  auto found = sessions_.find(session_key);
  if (found == sessions_.end()) {
    found = sessions_.emplace(std::string(session_key), Session{}).first;
    bytes_ += NodeBytes(sizeof(std::pair<const std::string, Session>), 1, true) +
              StringHeapBytes(found->first);
  }
  Session& session = found->second;
  const size_t before = CapacityBytes(session.rows) + CapacityBytes(session.firsts);
  const Row row{at, id, item};
  const bool in_order = session.rows.empty() || !RowBefore(at, id, session.rows.back());
  bool fast = in_order;
  if (in_order && session.firsts.size() == kMaxSessionItems) {
    // A new item at the same instant as the 50th first occurrence may displace it.
    const First candidate{at, item};
    fast = !FirstBefore(candidate, session.firsts.back()) ||
           std::any_of(session.firsts.begin(), session.firsts.end(),
                       [item](const First& f) { return f.item == item; });
  }
  if (fast) {
    session.rows.push_back(row);
    AppendFast(session, row, touched);
  } else {
    Contribute(session, -1, touched);
    auto at_position =
        std::upper_bound(session.rows.begin(), session.rows.end(), row,
                         [](const Row& x, const Row& y) { return RowBefore(x.at, x.id, y); });
    session.rows.insert(at_position, row);
    Summarise(session);
    Contribute(session, +1, touched);
  }
  bytes_ += CapacityBytes(session.rows) + CapacityBytes(session.firsts) - before;
}

size_t LiveDay::GrowthFor(uint32_t item, std::string_view session_key) const {
  size_t growth = 0;
  if (item >= items_.capacity()) {
    growth += HeapBytes(std::max<size_t>(2 * items_.capacity(), item + 1) * sizeof(ItemState));
  }
  auto found = sessions_.find(session_key);
  if (found == sessions_.end()) {
    growth += NodeBytes(sizeof(std::pair<const std::string, Session>), 1, true) +
              session_key.size() + 32 + HeapBytes(sizeof(Row)) + HeapBytes(sizeof(First));
    if (sessions_.size() + 1 > sessions_.bucket_count() * sessions_.max_load_factor()) {
      growth += 2 * sessions_.bucket_count() * sizeof(void*);
    }
  } else {
    const auto& rows = found->second.rows;
    if (rows.size() == rows.capacity()) growth += HeapBytes(2 * rows.capacity() * sizeof(Row));
  }
  return growth;
}

void LiveDay::AppendFast(Session& session, const Row& row, std::vector<uint32_t>* touched) {
  // Co-visitation: a new distinct item joins the first 50 while there is room (all distinct items
  // so far are then in `firsts`); past 50 it cannot (the caller sent ties to the slow path).
  const bool known = std::any_of(session.firsts.begin(), session.firsts.end(),
                                 [&row](const First& f) { return f.item == row.item; });
  if (!known) {
    if (session.firsts.size() < kMaxSessionItems) {
      for (const First& other : session.firsts) {
        AddPair(&ItemState::covisit, other.item, row.item, 1, touched);
        AddPair(&ItemState::covisit, row.item, other.item, 1, touched);
      }
      const First first{row.at, row.item};
      session.firsts.insert(
          std::upper_bound(session.firsts.begin(), session.firsts.end(), first,
                           [this](const First& x, const First& y) { return FirstBefore(x, y); }),
          first);
    } else {
      session.more_distinct = true;
    }
  }
  // Sequences: a repeat of the last item adds nothing; otherwise the last three credit it.
  if (session.tail_length > 0 && session.tail[session.tail_length - 1] == row.item) return;
  for (int gap = 1; gap <= session.tail_length; ++gap) {
    const uint32_t before = session.tail[session.tail_length - gap];
    if (before != row.item) AddPair(&ItemState::sequence, before, row.item, kSixths[gap], touched);
  }
  PushTail(session, row.item);
}

void LiveDay::PushTail(Session& session, uint32_t item) {
  if (session.tail_length == kSequenceReach) {
    session.tail[0] = session.tail[1];
    session.tail[1] = session.tail[2];
    session.tail[2] = item;
  } else {
    session.tail[session.tail_length++] = item;
  }
}

void LiveDay::Summarise(Session& session) const {
  session.firsts.clear();
  session.tail_length = 0;
  std::unordered_set<uint32_t> seen;
  std::vector<First> all;
  for (const Row& row : session.rows) {
    if (seen.insert(row.item).second) all.push_back({row.at, row.item});
    if (session.tail_length == 0 || session.tail[session.tail_length - 1] != row.item) {
      PushTail(session, row.item);
    }
  }
  std::sort(all.begin(), all.end(),
            [this](const First& x, const First& y) { return FirstBefore(x, y); });
  session.more_distinct = all.size() > kMaxSessionItems;
  if (all.size() > kMaxSessionItems) all.resize(kMaxSessionItems);
  session.firsts = std::move(all);
}

void LiveDay::Contribute(const Session& session, int sign, std::vector<uint32_t>* touched) {
  for (const First& a : session.firsts) {
    for (const First& b : session.firsts) {
      if (a.item != b.item) AddPair(&ItemState::covisit, a.item, b.item, sign, touched);
    }
  }
  // The rows collapsed (an item repeated in a row counts once), each crediting the next three.
  std::vector<uint32_t> ordered;
  ordered.reserve(session.rows.size());
  for (const Row& row : session.rows) {
    if (ordered.empty() || ordered.back() != row.item) ordered.push_back(row.item);
  }
  for (size_t p = 0; p < ordered.size(); ++p) {
    for (int gap = 1; gap <= kSequenceReach && p + gap < ordered.size(); ++gap) {
      if (ordered[p + gap] != ordered[p]) {
        AddPair(&ItemState::sequence, ordered[p], ordered[p + gap], sign * int64_t{kSixths[gap]},
                touched);
      }
    }
  }
}

void LiveDay::Remap(const std::vector<uint32_t>& new_index) {
  uint32_t size = 0;
  ForEachItem([&](uint32_t i) { size = std::max(size, new_index[i] + 1); });
  std::vector<ItemState> items(size);
  for (uint32_t i = 0; i < items_.size(); ++i) {
    if (!items_[i].seen) continue;
    ItemState& moved = items[new_index[i]];
    moved = std::move(items_[i]);
    for (std::vector<Pair>* pairs : {&moved.covisit, &moved.sequence}) {
      for (Pair& p : *pairs) p.item = new_index[p.item];
      std::sort(pairs->begin(), pairs->end(),
                [](const Pair& x, const Pair& y) { return x.item < y.item; });
    }
  }
  bytes_ += CapacityBytes(items) - CapacityBytes(items_);
  items_ = std::move(items);
  for (auto& [key, session] : sessions_) {
    for (Row& row : session.rows) row.item = new_index[row.item];
    for (First& first : session.firsts) first.item = new_index[first.item];
    for (int t = 0; t < session.tail_length; ++t) session.tail[t] = new_index[session.tail[t]];
  }
}

}  // namespace recsys
