// The live layer of one (tenant, namespace)'s signals (architecture.md "Signals in two layers"):
// today's events, folded in memory as they arrive, on top of a base snapshot of the closed days.
//
// The base is a SignalSnapshot of the days through its through_day() T (closed days, before its
// reference_day()). Events of later days are folded here, one LiveDay per day (two for a while
// after midnight, until a base that holds the closed day arrives); events of days up to T are
// the base's and are ignored (the builder rebuilds such a day and a new base follows).
// Serving reads both through SignalView, which ranks from `base × factor + live` exactly as one
// snapshot of the same rows would (signal_view.h states the one known difference).
//
// The cost of Apply() follows the events it folds: each event changes its session's pairs (see
// live_day.h), and each item whose pairs changed has its merged neighbour lists (base list +
// live pairs, top kMaxNeighbours) rebuilt, so readers see ready lists. The first event of a new
// day re-decays every live item's popularity (O(live items log live items), once a day).
// SetBase() costs O(live items × neighbours + base items / 64) and happens only when the base
// changes (a closed day was built).
//
// Threading: one writer (Apply, SetBase) at a time, serialised by the caller; any number of
// readers through Read(), which holds a shared lock for the View's lifetime (a request's). A
// writer waits for current readers and goes before new ones (WriterPreferringMutex).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/event.h"
#include "core/id_table.h"
#include "core/live_day.h"
#include "core/snapshot.h"
#include "core/string_hash.h"
#include "core/time.h"
#include "core/writer_preferring_mutex.h"

namespace recsys {

// One accepted event as the live layer needs it. `session` is the builder's session key
// ("s:" + session_id, else "u:" + hex user key).
struct LiveEvent {
  std::string_view item_id;
  std::string_view session;
  EventType type;
  TimestampUs at;
  int64_t id;  // interaction_events.id: orders events at the same instant
};

struct LiveParams {
  std::array<double, kEventTypeCount> event_weights{};
  double half_life_days = 30;
};

class LiveSignals {
 public:
  // `unavailable`: the base's items never to serve (by ItemIndex; may be shorter than the base).
  // REQUIRES: base != nullptr; params.half_life_days > 0.
  LiveSignals(const LiveParams& params, std::shared_ptr<const SignalSnapshot> base,
              std::vector<bool> unavailable = {});
  LiveSignals(const LiveSignals&) = delete;
  LiveSignals& operator=(const LiveSignals&) = delete;

  // Folds `events` (any order, any days). Returns how many were folded; the others were of a
  // day the base holds (counted in closed()) or would have taken the layer past `max_bytes`
  // (counted in refused(); the check counts the doubling of the tables an event may grow).
  size_t Apply(std::span<const LiveEvent> events, size_t max_bytes = SIZE_MAX);

  // Installs a new base with its unavailable items; live days through its through_day() are
  // dropped (they are in it).
  void SetBase(std::shared_ptr<const SignalSnapshot> base, std::vector<bool> unavailable = {});
  const LiveParams& params() const { return params_; }
  // The current base (a copy of the pointer; thread-safe).
  std::shared_ptr<const SignalSnapshot> base() const;
  // The days this layer holds, oldest first (thread-safe).
  std::vector<int32_t> days() const;

  // What readers hold while they rank: a consistent view until destroyed.
  class View {
   public:
    const LiveSignals& signals() const { return *signals_; }
    const SignalSnapshot& base() const { return *signals_->base_; }
    // The base's unavailable items (by ItemIndex), or null when there are none.
    const std::vector<bool>* unavailable() const {
      return signals_->unavailable_.empty() ? nullptr : &signals_->unavailable_;
    }

   private:
    friend class LiveSignals;
    explicit View(const LiveSignals& signals) : signals_(&signals), lock_(signals.mu_) {}
    const LiveSignals* signals_;
    std::shared_lock<WriterPreferringMutex> lock_;
  };
  View Read() const { return View(*this); }

  // Thread-safe counters and sizes.
  size_t MemoryBytes() const { return bytes_.load(std::memory_order_relaxed); }
  uint64_t folded() const { return folded_.load(std::memory_order_relaxed); }
  uint64_t closed() const { return closed_.load(std::memory_order_relaxed); }
  uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

 private:
  friend class SignalView;
  static constexpr uint32_t kNone = UINT32_MAX;
  using Neighbour = SignalSnapshot::Neighbour;

  // Orders live items by combined popularity, descending, ties by item id (as by_popularity()).
  struct ByCombined {
    const LiveSignals* signals;
    bool operator()(uint32_t a, uint32_t b) const;
  };
  struct ItemState {
    ItemIndex view = 0;      // its index in SignalView: the base's, else base size + k
    ItemIndex base = kNone;  // its base index, if the base has it
    double live_pop = 0;     // Σ over live days of the day's popularity, decayed to day_
    float combined = 0;      // base popularity × factor + live_pop, at day_
    bool has_neighbours = false, has_successors = false;  // merged lists below are in use
    bool moving = false;                                  // Resort()'s mark
    std::vector<Neighbour> neighbours, successors;        // merged, view indexes
  };

  uint32_t Intern(std::string_view item_id);
  LiveDay& DayLayer(int32_t day);
  // At most how many bytes folding `event` of `day` may add (the cap's check).
  size_t GrowthFor(const LiveEvent& event, int32_t day) const;
  void UpdatePopularity(uint32_t live);
  // Moves the `changed` items (their combined popularity was updated) to their places in
  // order_ and their tags' orders. REQUIRES: no item twice.
  void Resort(const std::vector<uint32_t>& changed);
  // Sorts `moved` and merges it into `order` (sorted by ByCombined).
  void MergeOrder(std::vector<uint32_t>& order, std::vector<uint32_t>& moved) const;
  void RebuildLists(uint32_t live);
  void Merge(uint32_t live, bool successors);
  // The base's list and the live days' pairs of `live`, summed, top kMaxNeighbours; empty when
  // no live day has pairs for it (the base list then serves unchanged).
  void MergeInto(uint32_t live, bool successors, std::vector<Neighbour>& merged);
  // The base's decay from its reference day to day_.
  float BaseFactor() const;
  // Every live item's popularity and the order, after the newest day or the base changed.
  void ReorderPopularity();
  // After the base changed: the factor, popularity order and every merged list.
  void Reindex();
  // Drops items no remaining day refers to (after days were dropped).
  void Compact();
  void UpdateBytes();

  LiveParams params_;
  mutable WriterPreferringMutex mu_;
  // Guarded by mu_ (written under an exclusive lock, read under a shared one):
  std::shared_ptr<const SignalSnapshot> base_;
  std::vector<bool> unavailable_;
  int32_t day_ = 0;   // the newest day: max(base reference day, newest live day)
  float factor_ = 1;  // the base's decay from its reference day to day_
  IdTable ids_;       // live item ids by live index
  std::vector<ItemState> items_;
  std::vector<uint32_t> live_only_;  // view index - base size -> live index
  // Per base item: its live index or kNone (one array read on the request path; 4 bytes a base
  // item, allocated when the base is set).
  std::vector<uint32_t> live_of_base_;
  std::vector<uint64_t> in_order_;  // bit per base item: it is in order_ (walk it from there)
  // Live items with live_pop > 0, sorted by ByCombined: flat, so that a request's walk reads
  // consecutive memory (a std::set's nodes cost a cache miss each: 30 us a request).
  using Order = std::vector<uint32_t>;
  Order order_;
  // The same items per tag they carry, for walks of a tag's posting list.
  std::unordered_map<TagIndex, Order> tag_orders_;
  size_t tag_order_entries_ = 0;
  std::map<int32_t, std::unique_ptr<LiveDay>> live_days_;
  std::vector<uint32_t> touched_, popularity_touched_;  // Apply()'s scratch
  size_t batch_new_items_ = 0;            // items Apply() added so far; they join order_ at its end
  size_t list_bytes_ = 0, id_bytes_ = 0;  // merged lists' and ids' heap bytes
  std::atomic<size_t> bytes_{0};
  std::atomic<uint64_t> folded_{0}, closed_{0}, refused_{0};
};

}  // namespace recsys
