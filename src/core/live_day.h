// One UTC day of one namespace's signals, folded event by event: the streaming twin of DaySignals
// (ranking.md "Building signals from events"). After any sequence of Add() calls, in any order,
// popularity(), covisit() and sequence() equal what DaySignals gives for the same events (a test
// checks it on random streams with late, tied and out-of-order rows).
//
// What one event costs follows its session, not the day: an event that arrives after its
// session's last one (the usual case) adds its pairs in O(50); one that arrives out of order
// recomputes its session's contribution (O(session rows)). Sequence scores are kept in sixths
// (1/gap for gaps 1..3 is 6/3/2 sixths) so that a session's contribution can be taken back
// exactly.
//
// Items are the caller's dense indexes (LiveSignals interns them); `ids` gives their ids, which
// order first occurrences at the same instant. Not thread-safe; the owner serialises access.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/event.h"
#include "core/id_table.h"
#include "core/string_hash.h"
#include "core/time.h"

namespace recsys {

class LiveDay {
 public:
  // A neighbour and its count: sessions (co-visitation) or sixths of 1/gap (sequences).
  struct Pair {
    uint32_t item;
    uint32_t count;
  };
  static constexpr double kSequenceUnit = 6;  // sequence().count / kSequenceUnit = Σ 1/gap

  // `event_weights` by EventType, copied. REQUIRES: `ids` outlives this object and holds every
  // item index passed to Add().
  LiveDay(const double* event_weights, const IdTable* ids);

  // Folds one event of `session` (the builder's session key) on `item`. Appends to `touched`
  // each item whose co-visitation or sequence list changed (an item may appear more than once).
  void Add(uint32_t item, std::string_view session, EventType type, TimestampUs at, int64_t id,
           std::vector<uint32_t>* touched);

  // Σ event weights on `item` this day; 0 for an item never seen.
  double popularity(uint32_t item) const {
    return item < items_.size() ? items_[item].popularity : 0;
  }
  // The item's neighbours, sorted by item index; every count > 0.
  std::span<const Pair> covisit(uint32_t item) const {
    return item < items_.size() ? std::span<const Pair>(items_[item].covisit)
                                : std::span<const Pair>();
  }
  std::span<const Pair> sequence(uint32_t item) const {
    return item < items_.size() ? std::span<const Pair>(items_[item].sequence)
                                : std::span<const Pair>();
  }

  // Calls fn(item) once for each item this day has seen.
  template <typename Fn>
  void ForEachItem(Fn&& fn) const {
    for (uint32_t i = 0; i < items_.size(); ++i) {
      if (items_[i].seen) fn(i);
    }
  }
  // Renumbers items: item i becomes new_index[i]. REQUIRES: new_index[i] is set for every item
  // ForEachItem() names, and the caller's `ids` already holds them at their new indexes.
  void Remap(const std::vector<uint32_t>& new_index);

  // At most how many heap bytes Add() on `item` in `session` may allocate for the tables that
  // grow by doubling (the item table, the session table and the session's rows).
  size_t GrowthFor(uint32_t item, std::string_view session) const;

  int64_t events() const { return events_; }
  // Heap bytes held as malloc counts them (vectors by capacity, hash nodes and buckets), for the
  // memory cap.
  size_t MemoryBytes() const { return bytes_ + sessions_.bucket_count() * sizeof(void*); }

 private:
  struct Row {
    TimestampUs at;
    int64_t id;
    uint32_t item;
  };
  struct First {
    TimestampUs at;
    uint32_t item;
  };
  struct Session {
    std::vector<Row> rows;       // non-impression rows in (at, id) order
    std::vector<First> firsts;   // the first kMaxSessionItems distinct items, in pairing order
    bool more_distinct = false;  // the session has distinct items beyond `firsts`
    uint32_t tail[3] = {};       // the last items after collapsing repeats, oldest first
    uint8_t tail_length = 0;
  };
  struct ItemState {
    bool seen = false;
    double popularity = 0;
    std::vector<Pair> covisit, sequence;
  };

  bool FirstBefore(const First& x, const First& y) const;
  ItemState& Item(uint32_t item);
  // Adds `delta` to the (a, b) count (removing a pair that reaches 0) and records `a` as touched.
  void AddPair(std::vector<Pair> ItemState::*list, uint32_t a, uint32_t b, int64_t delta,
               std::vector<uint32_t>* touched);
  // Adds (sign +1) or takes back (sign -1) everything `session` contributes to pairs.
  void Contribute(const Session& session, int sign, std::vector<uint32_t>* touched);
  // Rebuilds firsts, more_distinct and the tail from the rows.
  void Summarise(Session& session) const;
  void AppendFast(Session& session, const Row& row, std::vector<uint32_t>* touched);
  static void PushTail(Session& session, uint32_t item);

  double weights_[kEventTypeCount];
  const IdTable* ids_;
  std::unordered_map<std::string, Session, StringHash, std::equal_to<>> sessions_;
  std::vector<ItemState> items_;
  int64_t events_ = 0;
  size_t bytes_ = 0;
};

}  // namespace recsys
