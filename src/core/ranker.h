// The ranking core (ranking.md): candidates, blended scores, filters, rules, MMR diversity and
// caps. Pure and deterministic: the same request, snapshot, config, rules and `now` give the same
// answer. No I/O, no locks; thread-safe as long as each thread passes its own RankScratch.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/live_signals.h"
#include "core/request.h"
#include "core/rules.h"
#include "core/signal_view.h"
#include "core/snapshot.h"
#include "core/tenant_config.h"
#include "core/time.h"

namespace recsys {

enum Reason : uint8_t {
  kReasonPopularity = 1,
  kReasonCoVisitation = 2,
  kReasonSimilarity = 4,
  kReasonPin = 8,
  kReasonBoost = 16,
  kReasonPersonalization = 32,  // the user's own history (hist)
  kReasonSequence = 64,         // what users go on to next after the anchors (seq)
  kReasonExploration = 128,     // shown in an exploring slot (core/exploration.h)
};

struct RankedItem {
  ItemIndex item = 0;
  double score = 0;
  double raw_pop = 0, raw_cooc = 0, raw_seq = 0;
  double pop = 0, cooc = 0, sim = 0, hist = 0, seq = 0;  // normalized signals, in [0, 1]
  double mmr = 0;  // the MMR value it was selected with (0 when MMR is off)
  uint8_t reasons = 0;
  std::vector<const Rule*> rules;  // rules that pinned or boosted it
};

struct RankTrace {
  int from_popularity = 0, from_covisitation = 0, from_include = 0, from_rules = 0;
  int from_history = 0, from_sequence = 0;
  int after_filters = 0, blocked = 0, pinned = 0, boosted = 0, dropped_by_caps = 0;
  bool anchors_from_history = false;
  int repeat_slots = -1;  // slots the repeat part filled (ranking.repeat_slots); -1: one blend
  std::vector<ItemIndex> anchors_used;
  std::vector<const Rule*> rules_evaluated;
};

struct RankResult {
  std::vector<RankedItem> items;  // in rank order
  int candidates_considered = 0;
  int filtered = 0;
  RankTrace trace;
  std::vector<Warning> warnings;
};

// Per-thread working memory, reused across requests so that ranking does not allocate per item.
class RankScratch {
 public:
  // An item's per-request signals, packed so that scoring a candidate reads one place.
  struct Signals {
    float cooc = 0;    // co-visitation with the anchors
    float seq = 0;     // what users go on to next after the anchors
    float own = 0;     // the user's own history
    float repeat = 0;  // the repeat part's score: own × the item's rebuy prior
  };

  // Clears what the last request wrote and makes room for item indexes below `item_count`.
  void Reset(size_t item_count);
  // The scratch keeps two bits of flags() for itself; the caller's flags use the others.
  static constexpr uint8_t kTouched = 0x80;
  static constexpr uint8_t kHasSignals = 0x40;
  uint8_t& flags(ItemIndex i) { return flags_[i]; }
  // REQUIRES (for the writers): nothing; each marks i touched and as having signals.
  void AddCooc(ItemIndex i, float value) { Write(i).cooc += value; }
  void AddSeq(ItemIndex i, float value) { Write(i).seq += value; }
  void SetOwn(ItemIndex i, float own, float repeat) {
    Write(i).own = own;
    signals_[i].repeat = repeat;
  }
  // i's signals, all zero when none was written. Most candidates have none (popularity only),
  // and the flag byte is already in cache, so they cost no read of the signal array.
  Signals signals(ItemIndex i) const {
    return (flags_[i] & kHasSignals) != 0 ? signals_[i] : Signals{};
  }
  // The request's candidates; kept across calls so that their storage is reused.
  std::vector<RankedItem>& candidates() { return candidates_; }
  // REQUIRES: called before changing any of i's values, so that Reset() clears them.
  // Always inlined: it runs per candidate inside Recommend (ranker.cc says what it measured).
  [[gnu::always_inline]] void Touch(ItemIndex i) {
    // One byte read, not the signal array's (a cache miss for a new item).
    if ((flags_[i] & kTouched) == 0) {
      flags_[i] |= kTouched;
      touched_.push_back(i);
    }
  }

 private:
  Signals& Write(ItemIndex i) {
    Touch(i);
    flags_[i] |= kHasSignals;
    return signals_[i];
  }

  std::vector<uint8_t> flags_;
  std::vector<Signals> signals_;
  std::vector<ItemIndex> touched_;
  std::vector<RankedItem> candidates_;
};

// One item of the user's recent history (ranking.md "Users' recent history").
struct HistoryItem {
  std::string item_id;
  TimestampUs last_at = 0;
  double own = 0;         // own(i): decayed event weight over the user's maximum, in (0, 1]
  uint8_t type_mask = 0;  // bit (1 << EventType) for each interaction type seen
  // Separate visits to the item: events at least an hour after the last one start a new one.
  // More than one means the user came back to it (a repeat).
  int occasions = 1;
  // How much more often than the tenant's average its users came back to the item
  // (core/rebuy_prior.h); the repeat part ranks by own × rebuy.
  double rebuy = 1;
};

struct RankInput {
  const RecommendRequest& request;
  const SignalSnapshot& snapshot;
  const TenantConfig& config;
  const std::vector<Rule>& rules;
  TimestampUs now;  // the request's context.now, else the server clock
  // Items never to return (the catalog's unavailable ones), by ItemIndex; null: none.
  const std::vector<bool>* unavailable = nullptr;
  // The user's recent history, most recent first; empty for an unknown user.
  std::span<const HistoryItem> history = {};
  // The namespace's live layer (today's events), read under its lock; null: the snapshot alone.
  // REQUIRES: its base is `snapshot`. Result item indexes are then SignalView's.
  const LiveSignals::View* live = nullptr;
};

// The top request.k items for the request's user on its surface: candidates from popularity,
// co-visitation of the anchors (given, else from history), history and sequences, scored by the
// blend of request (else config) weights, filtered by constraints, exclusions and unavailability,
// then rules (pins, blocks, boosts), diversity (MMR) and caps; ranking.md states each step.
// Deterministic for equal input. Uses `scratch` (reused across calls on one thread) for its
// working state. Thread-compatible: concurrent calls need their own scratch.
RankResult Recommend(const RankInput& input, RankScratch& scratch);
// Items like request.item_id (never itself): its co-visitation neighbours, then items sharing its
// tags; constraints and block rules apply. An unknown item gives an empty result. Same threading
// as Recommend.
RankResult Similar(const RankInput& input, RankScratch& scratch);

// Whether `rule`'s target (its items, or its tag/brand/category) covers `item`.
bool RuleTargets(const Rule& rule, const SignalView& signals, ItemIndex item);

// Jaccard overlap of two sorted tag lists, in [0, 1].
double Jaccard(std::span<const TagIndex> a, std::span<const TagIndex> b);

}  // namespace recsys
