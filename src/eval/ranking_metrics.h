// Top-k accuracy of one ranked list against what the user went on to do (binary relevance).
// Items are dense indexes of the caller's choosing. Pure; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace recsys::eval {

// The per-user metrics, in the order reports list them.
enum Metric : int { kRecall, kPrecision, kNdcg, kMap, kHitRate, kMrr, kNovelty, kMetricCount };
// "recall", "precision", "ndcg", "map", "hit_rate", "mrr", "novelty".
const char* MetricName(int metric);
// The metric named `name` (as MetricName gives it); nullopt for none.
std::optional<Metric> ParseMetric(std::string_view name);

// Per-user metric values at k, indexed by Metric. kNovelty is left 0 (see MeanNovelty).
using UserScores = std::array<double, kMetricCount>;

// Scores the first `k` of `ranked` against `truth`: recall = hits / |truth|, precision = hits / k,
// NDCG with binary gains over the ideal ordering of min(|truth|, k) hits, MAP = average precision
// over min(|truth|, k), hit rate = 1 if any hit, MRR = 1 / rank of the first hit.
// REQUIRES: `truth` sorted ascending and non-empty; k >= 1; `ranked` without repeats.
UserScores ScoreRanking(std::span<const uint32_t> ranked, std::span<const uint32_t> truth, int k);

// Recall at every cut-off 1..max_k: out[j] = recall at k = j + 1 (a shorter list keeps its hits).
// REQUIRES: as ScoreRanking.
void RecallCurve(std::span<const uint32_t> ranked, std::span<const uint32_t> truth, int max_k,
                 std::vector<double>& out);

// Mean self-information, -log2 p(i), of the first `k` items, where p(i) is the item's share of
// the training interactions with add-one smoothing over `item_count` items: recommending what
// everyone already sees scores low. 0 for an empty list.
double MeanNovelty(std::span<const uint32_t> ranked, int k, std::span<const int64_t> counts,
                   int64_t total_count);

}  // namespace recsys::eval
