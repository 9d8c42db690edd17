#include "core/impact_metrics.h"

#include <algorithm>
#include <unordered_set>

namespace recsys {

double RankBiasedOverlap(std::span<const std::string> a, std::span<const std::string> b, double p) {
  if (a.empty() && b.empty()) return 1;
  if (a.empty() || b.empty()) return 0;
  const size_t depth = std::max(a.size(), b.size());
  std::unordered_set<std::string_view> seen_a, seen_b;
  double overlap = 0;  // X_d: items in both prefixes of length d
  double sum = 0;      // Σ_d p^(d-1) X_d / d
  double weight = 1;   // p^(d-1)
  for (size_t d = 1; d <= depth; ++d) {
    const bool has_a = d <= a.size(), has_b = d <= b.size();
    if (has_a && has_b && a[d - 1] == b[d - 1]) {
      overlap += 1;
    } else {
      if (has_a) overlap += static_cast<double>(seen_b.count(a[d - 1]));
      if (has_b) overlap += static_cast<double>(seen_a.count(b[d - 1]));
    }
    if (has_a) seen_a.insert(a[d - 1]);
    if (has_b) seen_b.insert(b[d - 1]);
    sum += weight * overlap / static_cast<double>(d);
    weight *= p;
  }
  // weight is now p^depth: (1 - p) / (1 - p^depth) makes identical lists score exactly 1.
  return std::clamp((1 - p) / (1 - weight) * sum, 0.0, 1.0);
}

double Gini(std::vector<int64_t> counts, int64_t zeros) {
  // Σ_i (2i - n - 1) x_i / (n Σ x) over the counts in ascending order (i from 1): the zeros come
  // first and add nothing but their ranks.
  const double n = static_cast<double>(counts.size()) + static_cast<double>(zeros);
  std::sort(counts.begin(), counts.end());
  double total = 0, weighted = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    const double x = static_cast<double>(counts[i]);
    const double rank = static_cast<double>(zeros) + static_cast<double>(i + 1);
    total += x;
    weighted += (2.0 * rank - n - 1) * x;
  }
  return total > 0 ? weighted / (n * total) : 0;
}

ImpactTally::ImpactTally(int64_t catalog_items, double persistence, size_t top)
    : catalog_items_(catalog_items), persistence_(persistence), top_(top) {}

void ImpactTally::Count(RuleEffects rules, std::span<const std::string> items, int k,
                        ImpactSide& side, Counts& shown) {
  side.pinned += rules.pinned;
  side.blocked += rules.blocked;
  side.boosted += rules.boosted;
  side.empty += items.empty();
  side.short_lists += !items.empty() && static_cast<int>(items.size()) < k;
  for (const std::string& item : items) ++shown[item];
}

void ImpactTally::Add(std::span<const std::string> before, std::span<const std::string> after,
                      int k, RuleEffects before_rules, RuleEffects after_rules) {
  ++summary_.responses;
  const bool changed = !std::equal(before.begin(), before.end(), after.begin(), after.end());
  summary_.changed += changed;
  rbo_sum_ += changed ? RankBiasedOverlap(before, after, persistence_) : 1.0;
  Count(before_rules, before, k, summary_.before, shown_before_);
  Count(after_rules, after, k, summary_.after, shown_after_);
  summary_.became_empty += !before.empty() && after.empty();
  summary_.became_short +=
      static_cast<int>(before.size()) >= k && !after.empty() && static_cast<int>(after.size()) < k;
  if (!changed) return;
  const std::unordered_set<std::string_view> before_set(before.begin(), before.end());
  const std::unordered_set<std::string_view> after_set(after.begin(), after.end());
  for (const std::string& item : after) {
    if (!before_set.count(item)) ++gained_[item];
  }
  for (const std::string& item : before) {
    if (!after_set.count(item)) ++lost_[item];
  }
}

ImpactSide ImpactTally::Finish(const ImpactSide& side, const Counts& shown, int64_t catalog) const {
  ImpactSide out = side;
  out.distinct_items = static_cast<int64_t>(shown.size());
  out.coverage =
      catalog > 0 ? static_cast<double>(out.distinct_items) / static_cast<double>(catalog) : 0;
  // Items never shown count as zeros: concentration over the whole catalog, not over the items
  // that happened to be shown.
  std::vector<int64_t> counts;
  counts.reserve(shown.size());
  for (const auto& [item, count] : shown) counts.push_back(count);
  out.gini = Gini(std::move(counts), catalog - out.distinct_items);
  return out;
}

std::vector<ItemCount> ImpactTally::Top(const Counts& counts) const {
  std::vector<ItemCount> all;
  all.reserve(counts.size());
  for (const auto& [item, count] : counts) all.push_back({item, count});
  const auto order = [](const ItemCount& x, const ItemCount& y) {
    return x.responses != y.responses ? x.responses > y.responses : x.item_id < y.item_id;
  };
  const size_t keep = std::min(top_, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(), order);
  all.resize(keep);
  return all;
}

ImpactSummary ImpactTally::Summarize() const {
  ImpactSummary out = summary_;
  // The catalog holds at least every item either side showed.
  std::unordered_set<std::string_view> shown;
  for (const auto& [item, count] : shown_before_) shown.insert(item);
  for (const auto& [item, count] : shown_after_) shown.insert(item);
  out.catalog_items = std::max<int64_t>(catalog_items_, static_cast<int64_t>(shown.size()));
  out.before = Finish(summary_.before, shown_before_, out.catalog_items);
  out.after = Finish(summary_.after, shown_after_, out.catalog_items);
  if (out.responses > 0) {
    out.changed_share = static_cast<double>(out.changed) / static_cast<double>(out.responses);
    out.mean_rbo = rbo_sum_ / static_cast<double>(out.responses);
  }
  out.gained = Top(gained_);
  out.lost = Top(lost_);
  return out;
}

}  // namespace recsys
