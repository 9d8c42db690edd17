// The immutable, in-memory signals of one (tenant, namespace): what serving reads instead of SQL.
//
// Items and tags are interned to dense uint32 indexes. Layout (architecture.md):
//  - per item: its id, decayed popularity, and its daily popularity rows (for a request's own
//    "now"), brand and category;
//  - items pre-sorted by popularity (descending, ties by id), so popularity candidates are a
//  prefix;
//  - co-visitation neighbours in CSR form, top kMaxNeighbours per item, by score descending;
//  - sequence successors ("what users went on to next", directed) in the same form;
//  - per item a sorted list of tag indexes, per tag a posting list in popularity order.
// Built once by SnapshotBuilder, then shared read-only between threads (thread-safe to read).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/id_table.h"

namespace recsys {

using ItemIndex = uint32_t;
using TagIndex = uint32_t;
inline constexpr uint32_t kNoTag = UINT32_MAX;

// The weight of a day's popularity `age_days` old (ranking.md: halved every half-life).
inline double DecayWeight(double age_days, double half_life_days) {
  return std::exp2(-age_days / half_life_days);
}
inline constexpr int kMaxNeighbours = 200;

// How many days of popularity rows a snapshot for day D reads: rows from D - this on (older ones
// weigh < 0.4 %: eight half-lives). Co-visitation and sequence rows are read for days after
// D - covisit_window_days. The loader and the offline replay both read these windows.
inline int PopularityHorizonDays(double half_life_days) {
  return static_cast<int>(half_life_days * 8) + 1;
}

class SignalSnapshot {
 public:
  struct Neighbour {
    ItemIndex item;
    float score;
  };

  size_t item_count() const { return item_ids_.size(); }
  std::string_view item_id(ItemIndex i) const { return item_ids_.id(i); }
  std::optional<ItemIndex> Find(std::string_view item_id) const;
  // Calls fn(index) for each of `item_ids` in the snapshot, in order (IdTable::ForEachFound).
  template <typename Fn>
  void ForEachFound(std::span<const std::string> item_ids, Fn&& fn) const {
    item_ids_.ForEachFound(item_ids, std::forward<Fn>(fn));
  }

  // Popularity decayed to reference_day() with the half-life the snapshot was built with.
  float popularity(ItemIndex i) const { return popularity_[i]; }
  // Popularity decayed to `day` (days since epoch); equals popularity() for reference_day().
  double PopularityAt(ItemIndex i, int32_t day) const;
  int32_t reference_day() const { return reference_day_; }
  // The last day whose rows this snapshot holds (a base holds closed days only: before
  // reference_day()); a live layer folds the days after it.
  int32_t through_day() const { return through_day_; }
  double half_life_days() const { return half_life_days_; }
  // All items, most popular first (ties by item id ascending).
  std::span<const ItemIndex> by_popularity() const { return by_popularity_; }

  std::span<const Neighbour> neighbours(ItemIndex i) const {
    return {neighbours_.data() + neighbour_offsets_[i],
            neighbours_.data() + neighbour_offsets_[i + 1]};
  }

  // Items sessions went on to after item i, by summed 1/gap score descending.
  std::span<const Neighbour> successors(ItemIndex i) const {
    return {successors_.data() + successor_offsets_[i],
            successors_.data() + successor_offsets_[i + 1]};
  }

  size_t tag_count() const { return tag_names_.size(); }
  std::string_view tag_name(TagIndex t) const { return tag_names_.id(t); }
  std::optional<TagIndex> FindTag(std::string_view normalized_tag) const;
  // The item's tags, sorted by index.
  std::span<const TagIndex> tags(ItemIndex i) const {
    return {item_tags_.data() + tag_offsets_[i], item_tags_.data() + tag_offsets_[i + 1]};
  }
  bool HasTag(ItemIndex i, TagIndex t) const {
    // A brand or category tag is the item's brand or category when no item has two of them: one
    // array read instead of a search through the item's tags.
    switch (tag_shortcuts_[t]) {
      case kBrandShortcut:
        return brand_[i] == t;
      case kCategoryShortcut:
        return category_[i] == t;
      default:
        return HasTagSearched(i, t);
    }
  }
  // Items carrying tag t, most popular first.
  std::span<const ItemIndex> posting(TagIndex t) const {
    return {postings_.data() + posting_offsets_[t], postings_.data() + posting_offsets_[t + 1]};
  }
  TagIndex brand(ItemIndex i) const { return brand_[i]; }
  TagIndex category(ItemIndex i) const { return category_[i]; }

  bool empty() const { return item_ids_.empty(); }
  // Approximate heap bytes held, for logs and memory budgets.
  size_t MemoryBytes() const;

 private:
  friend class SnapshotBuilder;
  friend struct SnapshotCodec;
  enum : uint8_t { kNoShortcut, kBrandShortcut, kCategoryShortcut };

  bool HasTagSearched(ItemIndex i, TagIndex t) const;
  // tag_shortcuts_ is derived, never encoded, in two steps: ClassifyTags() marks every brand: and
  // category: tag by its name (which also says what brand_ and category_ hold), then
  // KeepShortcutsOfOnePerItem() unmarks a kind some item has two tags of.
  void ClassifyTags();
  void KeepShortcutsOfOnePerItem();
  struct DayScore {
    int32_t day;
    float score;
  };

  IdTable item_ids_;
  std::vector<float> popularity_;
  std::vector<uint32_t> day_offsets_;  // item_count + 1
  std::vector<DayScore> days_;
  int32_t reference_day_ = 0;
  int32_t through_day_ = 0;
  double half_life_days_ = 30;
  std::vector<ItemIndex> by_popularity_;
  std::vector<uint32_t> neighbour_offsets_;  // item_count + 1
  std::vector<Neighbour> neighbours_;
  std::vector<uint32_t> successor_offsets_;  // item_count + 1
  std::vector<Neighbour> successors_;
  IdTable tag_names_;
  std::vector<uint32_t> tag_offsets_;  // item_count + 1
  std::vector<TagIndex> item_tags_;
  std::vector<uint32_t> posting_offsets_;  // tag_count + 1
  std::vector<ItemIndex> postings_;
  std::vector<TagIndex> brand_;
  std::vector<TagIndex> category_;
  std::vector<uint8_t> tag_shortcuts_;  // per tag
};

// Co-visitation rows gathered apart from any builder (for instance on another thread while the
// builder takes other rows), with ids interned locally. Not thread-safe; one per thread.
class CovisitBatch {
 public:
  void Add(std::string_view item_id, std::string_view neighbour_id, double score);

 private:
  friend class SnapshotBuilder;
  struct Row {
    uint32_t item, neighbour;
    float score;
  };
  // A row whose neighbour waits kLookahead rows to be interned, while its cache lines load:
  // neighbours are random lookups into a table of up to millions of ids.
  struct Pending {
    uint32_t item;
    uint32_t hash;
    float score;
    std::string neighbour;
  };
  static constexpr size_t kLookahead = 16;
  void Resolve(const Pending& pending);
  // Interns the neighbours still pending; called by SnapshotBuilder before it reads rows_.
  void Flush();

  IdTable ids_;
  uint32_t last_item_ = UINT32_MAX;
  std::array<Pending, kLookahead> pending_;
  size_t added_ = 0, resolved_ = 0;
  std::vector<Row> rows_;
};

// Accumulates signal rows, then builds a SignalSnapshot. Rows may come in any order; an item
// mentioned by any table becomes part of the catalog. Not thread-safe; single use.
class SnapshotBuilder {
 public:
  // `reference_day`: "today" for the decay; `half_life_days` > 0. The snapshot's through_day()
  // is reference_day unless SetThroughDay() says otherwise.
  SnapshotBuilder(int32_t reference_day, double half_life_days);

  // The last day the caller's rows cover (a base of closed days: before the reference day).
  void SetThroughDay(int32_t day);

  // At most `max_items` items are built: past it, Build() keeps catalog items (those AddTag or
  // AddTags named) first, then the most popular (decayed to the reference day, ties by id), and
  // drops the others with their popularity, tags and pairs. Bounds what a stream of made-up item
  // ids (a bot, a broken client) can make every instance hold. Zero: no limit (the default).
  void SetMaxItems(size_t max_items) { max_items_ = max_items; }
  // How many items the last Build() dropped for the limit above.
  size_t dropped_items() const { return dropped_items_; }

  // Adds one tag to the item (an empty tag only registers the item).
  void AddTag(std::string_view item_id, std::string_view tag);
  void AddTags(std::string_view item_id, const std::vector<std::string>& tags);
  void AddPopularity(std::string_view item_id, int32_t day, double score);
  // Co-visitation summed over the window; repeated pairs add up.
  void AddCovisit(std::string_view item_id, std::string_view neighbour_id, double score);
  // Adds every row of `batch` (interning its ids once each).
  void AddCovisitBatch(CovisitBatch& batch);
  // A sequence row: after `item_id`, sessions went on to `next_id`; repeated pairs add up.
  void AddSequence(std::string_view item_id, std::string_view next_id, double score);

  std::shared_ptr<const SignalSnapshot> Build();

 private:
  ItemIndex Intern(std::string_view item_id);
  // Interns an id that is not the last one's. REQUIRES: hash == IdTable::Hash(item_id).
  ItemIndex InternHashed(std::string_view item_id, uint32_t hash);
  TagIndex InternTag(std::string_view tag);

  std::unique_ptr<SignalSnapshot> snap_;
  size_t max_items_ = 0;
  size_t dropped_items_ = 0;
  std::vector<uint8_t> listed_;  // per item: named by the catalog (AddTag)
  // Rows usually arrive grouped by item (physical order), so one cached lookup saves most hashing.
  ItemIndex last_index_ = UINT32_MAX;
  std::vector<std::vector<TagIndex>> tags_;
  std::vector<std::pair<ItemIndex, SignalSnapshot::DayScore>> day_rows_;
  struct PairRow {
    ItemIndex item, neighbour;
    float score;
  };
  std::vector<PairRow> covisit_;   // summed per pair at Build()
  std::vector<PairRow> sequence_;  // likewise
  // Applies SetMaxItems: re-interns the kept items in their order and remaps every row.
  void KeepAtMostMaxItems();
  // Daily rows per item, decayed popularity, the popularity order.
  void BuildPopularity();
  // Per-item tag lists, brand and category, posting lists. REQUIRES: BuildPopularity() done.
  void BuildTags();
  // Sums repeated pairs of `rows` and keeps the top kMaxNeighbours per item in CSR form.
  void BuildNeighbourLists(std::vector<PairRow>& rows, std::vector<uint32_t>& offsets,
                           std::vector<SignalSnapshot::Neighbour>& lists);
};

}  // namespace recsys
