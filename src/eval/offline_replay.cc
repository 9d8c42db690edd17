#include "eval/offline_replay.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iterator>
#include <map>
#include <memory>
#include <thread>
#include <tuple>

#include "core/ranker.h"
#include "core/snapshot.h"
#include "eval/replay_world.h"

namespace recsys::eval {
namespace {

// What one user did: the truth after the split and what they had seen before it.
struct UserCase {
  uint32_t user;
  std::vector<uint32_t> truth, new_truth, seen;  // sorted log item indexes
};

// The users with a truth session on or after `split` (and, if `returning_only`, events before it),
// in user-key order, at most `max_users` of them picked by the keys' hashes (a fixed, unbiased
// sample).
std::vector<UserCase> FindUserCases(const EventLog& log, TimestampUs split, size_t max_users,
                                    bool returning_only) {
  const size_t user_count = log.users().size();
  std::vector<std::vector<uint32_t>> seen(user_count);
  const size_t first_after = log.FirstAtOrAfter(split);
  const auto events = log.events();
  for (size_t i = 0; i < first_after; ++i) {
    const LoggedEvent& e = events[i];
    if (e.user != kNone && e.type != EventType::kImpression) seen[e.user].push_back(e.item);
  }
  struct FirstSession {
    bool started = false;
    uint32_t session = kNone;
    int32_t day = 0;
    std::vector<uint32_t> items;
  };
  std::vector<FirstSession> firsts(user_count);
  for (size_t i = first_after; i < events.size(); ++i) {
    const LoggedEvent& e = events[i];
    if (e.user == kNone || e.type == EventType::kImpression) continue;
    FirstSession& first = firsts[e.user];
    if (!first.started) {
      first = {true, e.session, DayOf(e.at), {}};
    } else if (first.session != kNone ? e.session != first.session
                                      : e.session != kNone || DayOf(e.at) != first.day) {
      continue;
    }
    first.items.push_back(e.item);
  }
  auto sorted_unique = [](std::vector<uint32_t>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  };
  std::vector<UserCase> cases;
  for (uint32_t u = 0; u < user_count; ++u) {
    if (firsts[u].items.empty() || (returning_only && seen[u].empty())) continue;
    UserCase c{u, std::move(firsts[u].items), {}, std::move(seen[u])};
    sorted_unique(c.truth);
    sorted_unique(c.seen);
    std::set_difference(c.truth.begin(), c.truth.end(), c.seen.begin(), c.seen.end(),
                        std::back_inserter(c.new_truth));
    cases.push_back(std::move(c));
  }
  if (max_users > 0 && cases.size() > max_users) {
    auto hash = [&](const UserCase& c) { return IdTable::Hash(log.users().id(c.user)); };
    std::nth_element(cases.begin(), cases.begin() + static_cast<std::ptrdiff_t>(max_users),
                     cases.end(), [&](const UserCase& a, const UserCase& b) {
                       return std::pair(hash(a), a.user) < std::pair(hash(b), b.user);
                     });
    cases.resize(max_users);
    std::sort(cases.begin(), cases.end(),
              [](const UserCase& a, const UserCase& b) { return a.user < b.user; });
  }
  return cases;
}

// Every user's top `depth` under `config`, as log item indexes, ranked on `threads` threads.
std::vector<std::vector<uint32_t>> RankUsers(const ReplayWorld& world, const TenantConfig& config,
                                             int depth, std::span<const UserCase> cases,
                                             int threads) {
  std::vector<std::vector<uint32_t>> ranked(cases.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    RankScratch scratch;
    for (size_t i = next++; i < cases.size(); i = next++) {
      world.Rank(config, cases[i].user, depth, scratch, ranked[i]);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  return ranked;
}

// Per-user metric rows (row-major, kMetricCount columns) for all truth items and for new ones,
// and one value per user for each part of the top k (users without such truth items have none).
struct ScoreTable {
  std::vector<double> all, new_items;
  std::vector<int> new_row;  // per case: its row in new_items, or -1
  std::vector<double> repeat_recall, explore_recall, repeat_ratio;
};

// How many of the first `k` of `ranked` are in `items` (sorted).
size_t HitsIn(std::span<const uint32_t> ranked, int k, std::span<const uint32_t> items) {
  size_t hits = 0;
  for (size_t j = 0; j < ranked.size() && j < static_cast<size_t>(k); ++j) {
    hits += std::binary_search(items.begin(), items.end(), ranked[j]) ? 1 : 0;
  }
  return hits;
}

// The repeat and explore parts of one user's top k, appended to `table`.
void ScoreParts(const UserCase& c, std::span<const uint32_t> ranked, int k, ScoreTable& table) {
  std::vector<uint32_t> repeats;
  std::set_intersection(c.truth.begin(), c.truth.end(), c.seen.begin(), c.seen.end(),
                        std::back_inserter(repeats));
  if (!repeats.empty()) {
    table.repeat_recall.push_back(static_cast<double>(HitsIn(ranked, k, repeats)) /
                                  static_cast<double>(repeats.size()));
  }
  if (!c.new_truth.empty()) {
    table.explore_recall.push_back(static_cast<double>(HitsIn(ranked, k, c.new_truth)) /
                                   static_cast<double>(c.new_truth.size()));
  }
  const size_t shown = std::min(ranked.size(), static_cast<size_t>(k));
  table.repeat_ratio.push_back(
      shown == 0 ? 0 : static_cast<double>(HitsIn(ranked, k, c.seen)) / static_cast<double>(shown));
}

ScoreTable ScoreUsers(std::span<const UserCase> cases,
                      const std::vector<std::vector<uint32_t>>& ranked, int k,
                      std::span<const int64_t> counts, int64_t total_count) {
  ScoreTable table;
  std::vector<uint32_t> unseen;
  for (size_t i = 0; i < cases.size(); ++i) {
    UserScores scores = ScoreRanking(ranked[i], cases[i].truth, k);
    scores[kNovelty] = MeanNovelty(ranked[i], k, counts, total_count);
    table.all.insert(table.all.end(), scores.begin(), scores.end());
    ScoreParts(cases[i], ranked[i], k, table);
    if (cases[i].new_truth.empty()) {
      table.new_row.push_back(-1);
      continue;
    }
    unseen.clear();
    for (uint32_t item : ranked[i]) {
      if (!std::binary_search(cases[i].seen.begin(), cases[i].seen.end(), item)) {
        unseen.push_back(item);
      }
    }
    UserScores fresh = ScoreRanking(unseen, cases[i].new_truth, k);
    fresh[kNovelty] = MeanNovelty(unseen, k, counts, total_count);
    table.new_row.push_back(static_cast<int>(table.new_items.size() / kMetricCount));
    table.new_items.insert(table.new_items.end(), fresh.begin(), fresh.end());
  }
  return table;
}

std::array<Estimate, kMetricCount> Estimates(std::span<const double> rows,
                                             const OfflineOptions& options) {
  std::array<Estimate, kMetricCount> out{};
  const size_t n = rows.size() / kMetricCount;
  if (n == 0) return out;
  for (size_t r = 0; r < n; ++r) {
    for (int m = 0; m < kMetricCount; ++m) out[m].value += rows[r * kMetricCount + m];
  }
  const auto intervals =
      BootstrapMeanIntervals(rows, kMetricCount, options.resamples, options.seed);
  for (int m = 0; m < kMetricCount; ++m) {
    out[m].value /= static_cast<double>(n);
    out[m].interval = options.resamples > 0 ? intervals[m] : Interval{out[m].value, out[m].value};
  }
  return out;
}

// The mean of `values` (one per user) with its bootstrap interval.
Estimate MeanEstimate(std::span<const double> values, const OfflineOptions& options) {
  Estimate e;
  if (values.empty()) return e;
  for (double v : values) e.value += v;
  e.value /= static_cast<double>(values.size());
  e.interval = options.resamples > 0
                   ? BootstrapMeanIntervals(values, 1, options.resamples, options.seed)[0]
                   : Interval{e.value, e.value};
  return e;
}

// Config `rows` minus the first config's `base`, per user, as paired comparisons.
std::array<Comparison, kMetricCount> Compare(std::span<const double> rows,
                                             std::span<const double> base,
                                             const OfflineOptions& options) {
  std::vector<double> differences(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) differences[i] = rows[i] - base[i];
  const auto estimates = Estimates(differences, options);
  std::array<Comparison, kMetricCount> out{};
  const size_t n = rows.size() / kMetricCount;
  std::vector<double> column(n);
  for (int m = 0; m < kMetricCount; ++m) {
    for (size_t r = 0; r < n; ++r) column[r] = differences[r * kMetricCount + m];
    out[m] = {estimates[m].value, estimates[m].interval, TestPairedDifferences(column).p_value};
  }
  return out;
}

// The surface with the most events before `split`.
std::optional<uint32_t> BusiestSurface(const EventLog& log, size_t first_after) {
  std::vector<int64_t> counts(log.surfaces().size());
  for (const LoggedEvent& e : log.events().first(first_after)) ++counts[e.surface];
  if (counts.empty()) return std::nullopt;
  return static_cast<uint32_t>(std::max_element(counts.begin(), counts.end()) - counts.begin());
}

// The users' counts and mean truth size in `report`.
void DescribeCases(std::span<const UserCase> cases, OfflineReport& report) {
  report.users = static_cast<int64_t>(cases.size());
  double truth_items = 0;
  for (const UserCase& c : cases) {
    report.users_without_history += c.seen.empty() ? 1 : 0;
    report.users_with_new_items += c.new_truth.empty() ? 0 : 1;
    truth_items += static_cast<double>(c.truth.size());
  }
  report.mean_truth_items = truth_items / static_cast<double>(cases.size());
}

// The share of the `catalog_items` that some user was shown in the top k (`at_k`), and recall at
// 1..curve_max_k averaged over the users (`ranked`, as deep). REQUIRES: cases is not empty.
void AddCoverageAndRecallCurve(std::span<const UserCase> cases,
                               const std::vector<std::vector<uint32_t>>& at_k,
                               const std::vector<std::vector<uint32_t>>& ranked,
                               const OfflineOptions& options, size_t item_count,
                               int64_t catalog_items, ConfigResult& result) {
  std::vector<uint8_t> shown(item_count);
  size_t distinct = 0;
  std::vector<double> curve, curve_sum(static_cast<size_t>(options.curve_max_k));
  for (size_t i = 0; i < cases.size(); ++i) {
    for (size_t j = 0; j < at_k[i].size() && j < static_cast<size_t>(options.k); ++j) {
      const uint32_t item = at_k[i][j];
      if (item != kNone && !shown[item]) {
        shown[item] = 1;
        ++distinct;
      }
    }
    RecallCurve(ranked[i], cases[i].truth, options.curve_max_k, curve);
    for (size_t j = 0; j < curve.size(); ++j) curve_sum[j] += curve[j];
  }
  result.coverage =
      catalog_items > 0 ? static_cast<double>(distinct) / static_cast<double>(catalog_items) : 0;
  for (double& v : curve_sum) v /= static_cast<double>(cases.size());
  result.recall_curve = std::move(curve_sum);
}

}  // namespace

Result<OfflineReport> ReplayOffline(const EventLog& log, std::span<const ReplayConfig> configs,
                                    const OfflineOptions& options) {
  if (configs.empty()) return Status::InvalidArgument("no configs to evaluate");
  if (options.k < 1) return Status::InvalidArgument("--k must be at least 1");
  const TimestampUs split = options.split_day * kMicrosPerDay;
  const size_t first_after = log.FirstAtOrAfter(split);
  std::optional<uint32_t> surface = options.surface.empty() ? BusiestSurface(log, first_after)
                                                            : log.surfaces().Find(options.surface);
  if (!surface) {
    return options.surface.empty()
               ? Status::FailedPrecondition("the tenant has no events before the split day")
               : Status::InvalidArgument("no events on surface \"" + options.surface + "\"");
  }
  OfflineReport report;
  report.surface = std::string(log.surfaces().id(*surface));
  report.split_day = options.split_day;
  report.k = options.k;
  report.resamples = options.resamples;

  std::vector<int64_t> counts(log.items().size());
  for (const LoggedEvent& e : log.events().first(first_after)) {
    if (e.surface != *surface || e.type == EventType::kImpression) continue;
    ++counts[e.item];
    ++report.training_events;
  }
  if (report.training_events == 0) {
    return Status::FailedPrecondition("no interactions on surface \"" + report.surface +
                                      "\" before the split day");
  }
  const std::vector<UserCase> cases =
      FindUserCases(log, split, options.max_users, options.returning_only);
  if (cases.empty()) {
    return Status::FailedPrecondition("no user has a session on or after the split day");
  }
  DescribeCases(cases, report);

  const int threads = options.threads > 0
                          ? options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const int depth = std::max(options.k, options.curve_max_k);
  std::map<ReplayWorld::Key, std::unique_ptr<ReplayWorld>> worlds;
  ScoreTable first;
  for (const ReplayConfig& replay : configs) {
    const auto started = std::chrono::steady_clock::now();
    std::unique_ptr<ReplayWorld>& world = worlds[ReplayWorld::KeyOf(replay.config)];
    if (!world) {
      world = std::make_unique<ReplayWorld>(log, *surface, replay.config, options.split_day);
    }
    report.catalog_items = static_cast<int64_t>(world->item_count());
    const auto ranked = RankUsers(*world, replay.config, depth, cases, threads);
    // Repeat slots split the request's k, so a deeper list does not begin with the list of k:
    // the metrics at k rank at k.
    const bool split_by_k = replay.config.ranking.repeat_slots.mode != RepeatSlots::kBlend;
    std::vector<std::vector<uint32_t>> ranked_only_at_k;
    if (split_by_k && depth != options.k)
      ranked_only_at_k = RankUsers(*world, replay.config, options.k, cases, threads);
    const auto& ranked_at_k = split_by_k && depth != options.k ? ranked_only_at_k : ranked;
    ConfigResult result;
    result.name = replay.name;
    result.config_json = replay.config_json;
    ScoreTable table = ScoreUsers(cases, ranked_at_k, options.k, counts, report.training_events);
    result.all = Estimates(table.all, options);
    result.new_items = Estimates(table.new_items, options);
    result.repeat_recall = MeanEstimate(table.repeat_recall, options);
    result.explore_recall = MeanEstimate(table.explore_recall, options);
    result.repeat_ratio = MeanEstimate(table.repeat_ratio, options);
    AddCoverageAndRecallCurve(cases, ranked_at_k, ranked, options, log.items().size(),
                              report.catalog_items, result);
    if (report.configs.empty()) {
      first = std::move(table);
    } else {
      result.versus_first = Compare(table.all, first.all, options);
      result.new_items_versus_first = Compare(table.new_items, first.new_items, options);
    }
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    report.configs.push_back(std::move(result));
  }
  return report;
}

}  // namespace recsys::eval
