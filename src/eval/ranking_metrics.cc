#include "eval/ranking_metrics.h"

#include <algorithm>
#include <cmath>

namespace recsys::eval {

const char* MetricName(int metric) {
  static constexpr const char* kNames[kMetricCount] = {"recall",   "precision", "ndcg",   "map",
                                                       "hit_rate", "mrr",       "novelty"};
  return metric >= 0 && metric < kMetricCount ? kNames[metric] : "unknown";
}

std::optional<Metric> ParseMetric(std::string_view name) {
  for (int m = 0; m < kMetricCount; ++m) {
    if (name == MetricName(m)) return static_cast<Metric>(m);
  }
  return std::nullopt;
}

UserScores ScoreRanking(std::span<const uint32_t> ranked, std::span<const uint32_t> truth, int k) {
  UserScores scores{};
  const size_t cut = std::min(ranked.size(), static_cast<size_t>(k));
  const size_t ideal_hits = std::min(truth.size(), static_cast<size_t>(k));
  double dcg = 0, precision_sum = 0;
  int hits = 0;
  for (size_t i = 0; i < cut; ++i) {
    if (!std::binary_search(truth.begin(), truth.end(), ranked[i])) continue;
    ++hits;
    dcg += 1 / std::log2(static_cast<double>(i) + 2);
    precision_sum += static_cast<double>(hits) / static_cast<double>(i + 1);
    if (hits == 1) scores[kMrr] = 1 / static_cast<double>(i + 1);
  }
  double ideal_dcg = 0;
  for (size_t i = 0; i < ideal_hits; ++i) ideal_dcg += 1 / std::log2(static_cast<double>(i) + 2);
  scores[kRecall] = static_cast<double>(hits) / static_cast<double>(truth.size());
  scores[kPrecision] = static_cast<double>(hits) / k;
  scores[kNdcg] = ideal_dcg > 0 ? dcg / ideal_dcg : 0;
  scores[kMap] = ideal_hits > 0 ? precision_sum / static_cast<double>(ideal_hits) : 0;
  scores[kHitRate] = hits > 0 ? 1 : 0;
  return scores;
}

void RecallCurve(std::span<const uint32_t> ranked, std::span<const uint32_t> truth, int max_k,
                 std::vector<double>& out) {
  out.assign(static_cast<size_t>(max_k), 0.0);
  int hits = 0;
  for (int i = 0; i < max_k; ++i) {
    if (static_cast<size_t>(i) < ranked.size() &&
        std::binary_search(truth.begin(), truth.end(), ranked[i])) {
      ++hits;
    }
    out[i] = static_cast<double>(hits) / static_cast<double>(truth.size());
  }
}

double MeanNovelty(std::span<const uint32_t> ranked, int k, std::span<const int64_t> counts,
                   int64_t total_count) {
  const size_t cut = std::min(ranked.size(), static_cast<size_t>(k));
  if (cut == 0) return 0;
  const double denominator = static_cast<double>(total_count + static_cast<int64_t>(counts.size()));
  double sum = 0;
  for (size_t i = 0; i < cut; ++i) {
    const int64_t count = ranked[i] < counts.size() ? counts[ranked[i]] : 0;
    sum -= std::log2(static_cast<double>(count + 1) / denominator);
  }
  return sum / static_cast<double>(cut);
}

}  // namespace recsys::eval
