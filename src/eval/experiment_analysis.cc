#include "eval/experiment_analysis.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/random.h"
#include "core/str_format.h"

namespace recsys::eval {
namespace {

constexpr double kSampleRatioAlpha = 0.001;
constexpr double kMinJoinRate = 0.95;

// One (variant, user): the unit of analysis.
struct Unit {
  uint32_t variant, user;
  double exposures;
  std::array<double, kOnlineMetricCount> amounts;  // per metric: count or revenue
};

std::vector<Unit> UnitsOf(const std::vector<ExposureOutcome>& exposures) {
  std::vector<uint32_t> order(exposures.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return std::pair(exposures[a].variant, exposures[a].user) <
           std::pair(exposures[b].variant, exposures[b].user);
  });
  std::vector<Unit> units;
  for (uint32_t i : order) {
    const ExposureOutcome& e = exposures[i];
    if (units.empty() || units.back().variant != e.variant || units.back().user != e.user) {
      units.push_back({e.variant, e.user, 0, {}});
    }
    Unit& unit = units.back();
    unit.exposures += 1;
    unit.amounts[kCtr] += e.clicked;
    unit.amounts[kAddToCartRate] += e.added_to_cart;
    unit.amounts[kPurchaseRate] += e.purchased;
    unit.amounts[kRevenuePerExposure] += e.revenue;
    unit.amounts[kEmptyRate] += e.empty;
    unit.amounts[kDegradedRate] += e.degraded;
  }
  return units;
}

int64_t Percentile(std::vector<int64_t>& values, double q) {
  if (values.empty()) return -1;
  const auto index = static_cast<size_t>(q * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index),
                   values.end());
  return values[index];
}

std::vector<VariantSummary> Summarize(const ExperimentData& data, const std::vector<Unit>& units) {
  std::vector<VariantSummary> summaries(data.variants.size());
  for (size_t v = 0; v < summaries.size(); ++v) {
    summaries[v].name = data.variants[v];
    summaries[v].weight = v < data.weights.size() ? data.weights[v] : 0;
  }
  for (const Unit& unit : units) {
    VariantSummary& s = summaries[unit.variant];
    s.users += 1;
    s.exposures += static_cast<int64_t>(unit.exposures);
    for (int m = 0; m < kOnlineMetricCount; ++m) s.sums[m].Add(unit.amounts[m], unit.exposures);
  }
  std::vector<std::vector<int64_t>> latencies(summaries.size());
  for (const ExposureOutcome& e : data.exposures) {
    if (e.latency_us >= 0) latencies[e.variant].push_back(e.latency_us);
  }
  for (size_t v = 0; v < summaries.size(); ++v) {
    summaries[v].latency_p50_us = Percentile(latencies[v], 0.50);
    summaries[v].latency_p95_us = Percentile(latencies[v], 0.95);
    summaries[v].latency_p99_us = Percentile(latencies[v], 0.99);
  }
  return summaries;
}

double DecidingP(const GroupComparison& c, const ExperimentOptions& options) {
  return options.sequential ? c.sequential_p : c.p_value;
}

VariantComparison CompareVariant(const VariantSummary& control, const VariantSummary& treatment,
                                 const ExperimentOptions& options) {
  VariantComparison out;
  out.variant = treatment.name;
  for (int m = 0; m < kOnlineMetricCount; ++m) {
    out.metrics[m] = CompareRatios(control.sums[m], treatment.sums[m]);
  }
  out.primary_significant = DecidingP(out.metrics[options.primary], options) < options.alpha;
  for (int m : {kEmptyRate, kDegradedRate}) {
    const GroupComparison& c = out.metrics[m];
    if (c.difference > 0 && DecidingP(c, options) < options.alpha) {
      out.guardrails_breached.push_back(OnlineMetricName(m));
    }
  }
  if (control.latency_p95_us >= 0 && treatment.latency_p95_us >= 0 &&
      static_cast<double>(treatment.latency_p95_us) >
          static_cast<double>(control.latency_p95_us) * (1 + options.latency_tolerance) + 1000) {
    out.guardrails_breached.push_back("latency_p95");
  }
  return out;
}

AaCheck RunAaCheck(const std::vector<Unit>& units, uint32_t variant,
                   const ExperimentOptions& options) {
  AaCheck check;
  check.splits = options.aa_splits;
  for (int split = 0; split < options.aa_splits; ++split) {
    RatioSums halves[2];
    const uint64_t salt = SplitMix64(options.seed * 1000003 + static_cast<uint64_t>(split)).Next();
    for (const Unit& unit : units) {
      if (unit.variant != variant) continue;
      halves[SplitMix64(unit.user ^ salt).Next() & 1].Add(unit.amounts[options.primary],
                                                          unit.exposures);
    }
    const GroupComparison c = CompareRatios(halves[0], halves[1]);
    if (DecidingP(c, options) < options.alpha) ++check.significant;
  }
  if (check.splits > 0) {
    check.rate = static_cast<double>(check.significant) / check.splits;
    check.within = check.rate <= options.alpha + 3 * std::sqrt(options.alpha * (1 - options.alpha) /
                                                               check.splits);
  }
  return check;
}

std::string Percent(double x) { return StrFormat("%.1f %%", 100 * x); }

// Gates 1 and 2: whether the data can carry a verdict at all.
bool DataGates(const ExperimentData& data, ExperimentReport& report) {
  Gate join{"join rate >= 95 %", false, ""};
  if (data.interactions_with_request == 0) {
    join.detail = "no interaction in the window carries a request_id: nothing to join";
  } else {
    join.passed = report.join_rate >= kMinJoinRate;
    join.detail = StrFormat("%lld of %lld interactions with a request_id found their exposure (%s)",
                            static_cast<long long>(data.interactions_joined),
                            static_cast<long long>(data.interactions_with_request),
                            Percent(report.join_rate).c_str());
  }
  report.gates.push_back(join);
  Gate ratio{"no sample-ratio mismatch", true, ""};
  if (report.interleaving) {
    ratio.detail = "interleaving: every response shows both variants; nothing to split";
  } else if (!report.sample_ratio) {
    ratio.detail = "the experiment is no longer configured: weights unknown, not checked";
  } else {
    ratio.passed = report.sample_ratio->p_value >= kSampleRatioAlpha;
    ratio.detail = StrFormat(
        "users per variant against the configured weights: chi-square %.2f, p = %.3g (flagged "
        "below %g)",
        report.sample_ratio->chi_square, report.sample_ratio->p_value, kSampleRatioAlpha);
  }
  report.gates.push_back(ratio);
  return join.passed && ratio.passed;
}

void Decide(const ExperimentOptions& options, ExperimentReport& report) {
  Gate enough{"enough users per variant", true, ""};
  for (const VariantSummary& v : report.variants) {
    if (v.users < options.min_users_per_variant) {
      enough.passed = false;
      enough.detail += StrFormat(
          "%s%s has %lld users (want %lld)", enough.detail.empty() ? "" : "; ", v.name.c_str(),
          static_cast<long long>(v.users), static_cast<long long>(options.min_users_per_variant));
    }
  }
  if (enough.passed) {
    enough.detail =
        StrFormat("each has at least %lld", static_cast<long long>(options.min_users_per_variant));
  }
  report.gates.push_back(enough);
  if (!enough.passed) {
    report.verdict = Verdict::kHold;
    return;
  }
  const VariantComparison* best = nullptr;
  for (const VariantComparison& c : report.comparisons) {
    const GroupComparison& primary = c.metrics[options.primary];
    Gate gate{c.variant + ": " + OnlineMetricName(options.primary) + " against " + report.control,
              true, ""};
    gate.detail =
        StrFormat("lift %+.2f %% [%+.2f %%, %+.2f %%], %sp = %.3g", 100 * primary.relative_lift,
                  100 * primary.lift_interval.low, 100 * primary.lift_interval.high,
                  options.sequential ? "always-valid " : "", DecidingP(primary, options));
    const bool loses = c.primary_significant && primary.difference < 0;
    gate.passed = !loses;
    report.gates.push_back(gate);
    Gate guard{c.variant + ": guardrails", c.guardrails_breached.empty(),
               "empty, degraded and p95 latency not worse"};
    if (!guard.passed) {
      guard.detail = "worse:";
      for (const std::string& name : c.guardrails_breached) guard.detail += " " + name;
    }
    report.gates.push_back(guard);
    if (loses || !c.guardrails_breached.empty()) {
      report.verdict = Verdict::kRollBack;
      report.verdict_variant = c.variant;
      return;
    }
    if (c.primary_significant && primary.difference > 0 &&
        (best == nullptr || primary.difference > best->metrics[options.primary].difference)) {
      best = &c;
    }
  }
  report.verdict = best != nullptr ? Verdict::kShip : Verdict::kHold;
  if (best != nullptr) report.verdict_variant = best->variant;
}

InterleavingResult CreditTeams(const ExperimentData& data) {
  InterleavingResult result;
  result.teams[0] = data.teams[0];
  result.teams[1] = data.teams[1];
  std::vector<InterleavedOutcome> by_user(data.interleaved);
  std::sort(
      by_user.begin(), by_user.end(),
      [](const InterleavedOutcome& a, const InterleavedOutcome& b) { return a.user < b.user; });
  for (size_t i = 0; i < by_user.size();) {
    int64_t clicks[2] = {0, 0};
    const uint32_t user = by_user[i].user;
    for (; i < by_user.size() && by_user[i].user == user; ++i) {
      const InterleavedOutcome& e = by_user[i];
      ++result.exposures;
      result.exposures_with_clicks += e.clicks[0] + e.clicks[1] > 0;
      for (int team : {0, 1}) {
        clicks[team] += e.clicks[team];
        result.clicks[team] += e.clicks[team];
      }
    }
    ++result.users;
    if (clicks[0] == clicks[1]) {
      ++result.user_ties;
    } else {
      ++result.user_wins[clicks[1] > clicks[0] ? 1 : 0];
    }
  }
  const int64_t decisive = result.user_wins[0] + result.user_wins[1];
  if (decisive > 0) {
    result.preference = static_cast<double>(result.user_wins[1] - result.user_wins[0]) /
                        static_cast<double>(decisive);
  }
  result.p_value = SignTestP(result.user_wins[1], result.user_wins[0]);
  return result;
}

void DecideInterleaving(const ExperimentOptions& options, ExperimentReport& report) {
  const InterleavingResult& r = *report.interleaving;
  const int64_t decisive = r.user_wins[0] + r.user_wins[1];
  Gate enough{"enough users with a preference", decisive >= options.min_users_per_variant,
              StrFormat("%lld users clicked one team's items more (want %lld)",
                        static_cast<long long>(decisive),
                        static_cast<long long>(options.min_users_per_variant))};
  report.gates.push_back(enough);
  if (!enough.passed) {
    report.verdict = Verdict::kHold;
    return;
  }
  const bool significant = r.p_value < options.alpha;
  Gate preference{r.teams[1] + " against " + r.teams[0], !(significant && r.preference < 0),
                  StrFormat("preference %+.3f (%lld users for %s, %lld for %s, %lld ties), sign "
                            "test p = %.3g",
                            r.preference, static_cast<long long>(r.user_wins[1]),
                            r.teams[1].c_str(), static_cast<long long>(r.user_wins[0]),
                            r.teams[0].c_str(), static_cast<long long>(r.user_ties), r.p_value)};
  report.gates.push_back(preference);
  report.verdict_variant = r.teams[1];
  report.verdict = !significant       ? Verdict::kHold
                   : r.preference > 0 ? Verdict::kShip
                                      : Verdict::kRollBack;
  if (report.verdict == Verdict::kHold) report.verdict_variant.clear();
}

}  // namespace

const char* OnlineMetricName(int metric) {
  static constexpr const char* kNames[kOnlineMetricCount] = {
      "ctr",        "add_to_cart_rate", "purchase_rate", "revenue_per_exposure",
      "empty_rate", "degraded_rate"};
  return metric >= 0 && metric < kOnlineMetricCount ? kNames[metric] : "unknown";
}

std::optional<OnlineMetric> ParseOnlineMetric(std::string_view name) {
  for (int m = 0; m < kOnlineMetricCount; ++m) {
    if (name == OnlineMetricName(m)) return static_cast<OnlineMetric>(m);
  }
  return std::nullopt;
}

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kShip:
      return "ship";
    case Verdict::kHold:
      return "hold";
    case Verdict::kRollBack:
      return "roll_back";
    case Verdict::kNone:
      break;
  }
  return "none";
}

Result<ExperimentReport> AnalyzeExperiment(const ExperimentData& data,
                                           const ExperimentOptions& options) {
  if (data.exposures.empty() && data.interleaved.empty()) {
    return Status::FailedPrecondition("no exposures of experiment \"" + data.experiment_id +
                                      "\" in the window");
  }
  ExperimentReport report;
  report.experiment_id = data.experiment_id;
  report.primary = options.primary;
  report.sequential = options.sequential;
  report.alpha = options.alpha;
  report.interactions_with_request = data.interactions_with_request;
  report.interactions_joined = data.interactions_joined;
  report.join_rate = data.interactions_with_request > 0
                         ? static_cast<double>(data.interactions_joined) /
                               static_cast<double>(data.interactions_with_request)
                         : 0;
  if (!data.interleaved.empty()) {
    report.interleaving = CreditTeams(data);
    report.control = data.teams[0];
    if (DataGates(data, report)) DecideInterleaving(options, report);
    return report;
  }
  report.control = data.variants[data.control];
  const std::vector<Unit> units = UnitsOf(data.exposures);
  report.variants = Summarize(data, units);
  for (size_t v = 0; v < report.variants.size(); ++v) {
    if (v == data.control) continue;
    report.comparisons.push_back(
        CompareVariant(report.variants[data.control], report.variants[v], options));
  }
  if (!data.weights.empty()) {
    std::vector<int64_t> users;
    std::vector<double> weights;
    for (const VariantSummary& v : report.variants) {
      if (v.weight <= 0) continue;  // a variant no longer configured
      users.push_back(v.users);
      weights.push_back(v.weight);
    }
    if (users.size() >= 2) report.sample_ratio = CheckSampleRatio(users, weights);
  }
  if (options.aa_splits > 0) report.aa = RunAaCheck(units, data.control, options);
  if (DataGates(data, report)) Decide(options, report);
  return report;
}

}  // namespace recsys::eval
