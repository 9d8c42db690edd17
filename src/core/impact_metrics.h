// How one set of rankings differs from another for the same requests: the figures of the impact
// preview (api.md POST .../preview). RankBiasedOverlap compares two lists; ImpactTally takes
// pairs of lists (the current ranking and the draft's of one request) and summarizes them: the
// share that changed, the mean overlap, the items gained and lost most often, catalog coverage
// and concentration (Gini) of each side, what rules did on each side, and responses that became
// empty or short. Pure and deterministic; ImpactTally is thread-compatible (one per thread).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/string_hash.h"

namespace recsys {

// Rank-biased overlap (Webber, Moffat and Zobel 2010) of two complete lists, with persistence
// `p` in (0, 1): the agreement at each depth d (items in both prefixes of length d, over d)
// weighted by p^(d-1), down to the longer list's length, normalized so that identical lists score
// 1 and disjoint ones 0. The lists are whole responses, not prefixes of longer rankings, so an
// item missing from the shorter list counts against the overlap (unlike the extrapolated form).
// Two empty lists are identical (1); one empty and one not are disjoint (0).
// REQUIRES: no item twice within one list.
double RankBiasedOverlap(std::span<const std::string> a, std::span<const std::string> b, double p);

// The Gini coefficient of `counts` (each >= 0) and `zeros` more counts of 0: 0 when all are
// equal, towards 1 when one holds everything; 0 for no counts or all zero.
double Gini(std::vector<int64_t> counts, int64_t zeros = 0);

struct ItemCount {
  std::string item_id;
  int64_t responses = 0;  // responses it entered (gained) or left (lost)
};

// What business rules did to one ranking.
struct RuleEffects {
  bool pinned = false;   // an item was placed by a pin rule
  bool blocked = false;  // a block rule removed at least one candidate
  bool boosted = false;  // an item was raised by a boost rule
};

// One side of the comparison (the current config and rules, or the draft).
struct ImpactSide {
  int64_t distinct_items = 0;  // items in at least one response
  double coverage = 0;         // distinct_items over the catalog
  double gini = 0;             // of the item exposure counts over the catalog (zeros included)
  int64_t pinned = 0, blocked = 0, boosted = 0;  // responses with that RuleEffects
  int64_t empty = 0;                             // responses with no item
  int64_t short_lists = 0;                       // non-empty responses with fewer than k items
};

struct ImpactSummary {
  int64_t responses = 0;
  int64_t changed = 0;        // responses whose ranked list differs (items or order)
  double changed_share = 0;   // changed / responses; 0 without responses
  double mean_rbo = 1;        // mean RankBiasedOverlap; 1 without responses
  int64_t catalog_items = 0;  // the denominator of coverage and Gini
  ImpactSide before, after;
  int64_t became_empty = 0;             // non-empty before, empty after
  int64_t became_short = 0;             // k items before, fewer (but some) after
  std::vector<ItemCount> gained, lost;  // most responses first, then item id; at most `top`
};

class ImpactTally {
 public:
  // `catalog_items`: how many items could have been shown (the signals' items); coverage and Gini
  // use it, or the items actually shown when that is more. `persistence`: RBO's p. `top`: how
  // many gained and lost items the summary lists.
  explicit ImpactTally(int64_t catalog_items, double persistence = 0.9, size_t top = 20);

  // One request: its ranking before and after (item ids in rank order, no duplicates), the k it
  // asked for, and what rules did on each side.
  void Add(std::span<const std::string> before, std::span<const std::string> after, int k,
           RuleEffects before_rules, RuleEffects after_rules);

  ImpactSummary Summarize() const;

 private:
  using Counts = std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>>;
  static void Count(RuleEffects rules, std::span<const std::string> items, int k, ImpactSide& side,
                    Counts& shown);
  ImpactSide Finish(const ImpactSide& side, const Counts& shown, int64_t catalog) const;
  std::vector<ItemCount> Top(const Counts& counts) const;

  int64_t catalog_items_;
  double persistence_;
  size_t top_;
  ImpactSummary summary_;
  double rbo_sum_ = 0;
  Counts shown_before_, shown_after_, gained_, lost_;
};

}  // namespace recsys
