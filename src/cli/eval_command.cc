// `recsys-service eval offline|experiment`: reads the tenant's logs, evaluates with src/eval,
// writes the report's files and stores it (store/report_store.h).
#include "cli/eval_command.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/command_env.h"
#include "cli/eval_support.h"
#include "core/parse_number.h"
#include "core/str_format.h"
#include "core/strict_json.h"
#include "eval/experiment_report.h"
#include "eval/offline_report.h"
#include "store/eval_source.h"

namespace recsys::cli {
namespace {

// The settings a --grid may vary: those ranking and the signals read as numbers or flags.
constexpr const char* kGridSettings[] = {"weights.pop",
                                         "weights.cooc",
                                         "weights.emb",
                                         "weights.hist",
                                         "weights.seq",
                                         "ranking.half_life_days",
                                         "ranking.covisit_window_days",
                                         "ranking.mmr_lambda",
                                         "ranking.brand_cap",
                                         "ranking.category_cap",
                                         "ranking.exclude_seen",
                                         "ranking.repeat_slots",
                                         "signals.history_items",
                                         "signals.history_days",
                                         "signals.event_weights.impression",
                                         "signals.event_weights.view",
                                         "signals.event_weights.click",
                                         "signals.event_weights.add_to_cart",
                                         "signals.event_weights.purchase"};

// Every combination of the --grid settings applied to `base`.
Result<std::vector<eval::ReplayConfig>> GridConfigs(const std::string& base,
                                                    const std::vector<std::string>& specs) {
  std::vector<std::pair<std::string, std::string>> points = {{"", base}};  // name, json
  for (const std::string& spec : specs) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      return Status::InvalidArgument("--grid " + spec + ": want setting=value,value,...");
    }
    const std::string path = spec.substr(0, eq);
    if (std::find(std::begin(kGridSettings), std::end(kGridSettings), path) ==
        std::end(kGridSettings)) {
      std::string known;
      for (const char* setting : kGridSettings)
        known += std::string(known.empty() ? "" : ", ") + setting;
      return Status::InvalidArgument("--grid: " + path + " is not a setting it can vary (" + known +
                                     ")");
    }
    std::vector<std::pair<std::string, std::string>> next;
    std::stringstream values(spec.substr(eq + 1));
    std::string value;
    while (std::getline(values, value, ',')) {
      for (const auto& [name, json] : points) {
        auto changed = WithSetting(json, path, value);
        if (!changed.ok()) return changed.status();
        next.push_back({name + (name.empty() ? "" : " ") + path + "=" + value, changed.value()});
      }
    }
    points = std::move(next);
  }
  if (points.size() > 200) return Status::InvalidArgument("--grid: more than 200 combinations");
  std::vector<eval::ReplayConfig> configs;
  for (const auto& [name, json] : points) {
    auto config = ReplayConfigOf(name, json);
    if (!config.ok()) return config.status();
    configs.push_back(std::move(config).value());
  }
  return configs;
}

// The current config, popularity alone, each --config file, then the grid.
Result<std::vector<eval::ReplayConfig>> OfflineConfigs(const EvalOfflineOptions& options,
                                                       const std::string& current) {
  std::vector<eval::ReplayConfig> configs;
  auto add = [&](const std::string& name, const Result<std::string>& json) -> Status {
    if (!json.ok()) return json.status();
    auto config = ReplayConfigOf(name, json.value());
    if (!config.ok()) return config.status();
    configs.push_back(std::move(config).value());
    return Status::Ok();
  };
  RETURN_IF_ERROR(add("current", current));
  if (options.grid.empty()) {
    Result<std::string> popularity = current;
    for (const char* weight : {"pop", "cooc", "emb", "hist", "seq"}) {
      if (popularity.ok()) {
        popularity = WithSetting(popularity.value(), std::string("weights.") + weight,
                                 weight == std::string("pop") ? "1" : "0");
      }
    }
    RETURN_IF_ERROR(add("popularity", popularity));
  }
  for (const std::string& file : options.config_files) {
    auto config = ReplayConfigFromFile(file);
    if (!config.ok()) return config.status();
    configs.push_back(std::move(config).value());
  }
  if (!options.grid.empty()) {
    auto grid = GridConfigs(current, options.grid);
    if (!grid.ok()) return grid.status();
    for (auto& c : grid.value()) configs.push_back(std::move(c));
  }
  return configs;
}

void PrintOffline(const eval::OfflineReport& report, eval::Metric metric) {
  std::printf("%-40s %10s %10s %10s %10s %9s\n", "config", "recall@k", "ndcg@k", "hit_rate",
              "coverage", "seconds");
  std::vector<const eval::ConfigResult*> order;
  for (const auto& c : report.configs) order.push_back(&c);
  std::stable_sort(order.begin(), order.end(), [&](const auto* a, const auto* b) {
    return a->all[metric].value > b->all[metric].value;
  });
  for (const eval::ConfigResult* c : order) {
    std::printf("%-40s %10.4f %10.4f %10.4f %10.4f %9.1f\n", c->name.c_str(),
                c->all[eval::kRecall].value, c->all[eval::kNdcg].value,
                c->all[eval::kHitRate].value, c->coverage, c->seconds);
  }
}

}  // namespace

int RunEvalOffline(const EvalOfflineOptions& options) {
  auto split_day = ParseDate(options.split_date);
  if (!split_day) return EvalFail(Status::InvalidArgument("--split-date: want YYYY-MM-DD"));
  const std::optional<eval::Metric> metric = eval::ParseMetric(options.metric);
  if (!metric)
    return EvalFail(Status::InvalidArgument(
        "--metric: one of recall, precision, ndcg, map, hit_rate, mrr, novelty"));
  auto tenant = LoadTenantAndConfig(options.tenant);
  if (!tenant.ok()) return EvalFail(tenant.status());
  auto configs = OfflineConfigs(options, tenant.value().config_json);
  if (!configs.ok()) return EvalFail(configs.status());
  auto conn = ConnectForReadsFromEnv();
  if (!conn.ok()) return EvalFail(conn.status());
  std::fprintf(stderr, "reading %s's events before %s + %d days...\n", options.tenant.c_str(),
               options.split_date.c_str(), options.test_days);
  auto log = store::ReadEventLog(conn.value(), tenant.value().tenant.id,
                                 (*split_day + options.test_days) * kMicrosPerDay);
  if (!log.ok()) return EvalFail(log.status());
  std::fprintf(stderr, "%zu events, %zu users, %zu items; evaluating %zu configs\n",
               log.value().events().size(), log.value().users().size(), log.value().items().size(),
               configs.value().size());
  eval::OfflineOptions replay;
  replay.split_day = *split_day;
  replay.k = options.k;
  replay.surface = options.surface;
  replay.max_users = static_cast<size_t>(options.max_users);
  replay.returning_only = options.returning_users;
  replay.resamples = options.resamples;
  replay.seed = options.seed;
  auto report = eval::ReplayOffline(log.value(), configs.value(), replay);
  if (!report.ok()) return EvalFail(report.status());
  PrintOffline(report.value(), *metric);
  const eval::ConfigResult* best = &report.value().configs.front();
  for (const auto& c : report.value().configs) {
    if (c.all[*metric].value > best->all[*metric].value) best = &c;
  }
  if (!options.grid.empty()) {
    std::printf("best by %s@%d: %s\n%s\n", eval::MetricName(*metric), options.k, best->name.c_str(),
                best->config_json.c_str());
  }
  service::EvalReport stored;
  stored.kind = "offline";
  stored.report_json = eval::OfflineReportJson(report.value());
  stored.summary_json = OfflineSummary(report.value(), best->name, *metric);
  return PublishReport(options.out.empty() ? DefaultOutDir("offline", options.tenant) : options.out,
                       tenant.value().tenant, std::move(stored),
                       eval::OfflineReportDocument(report.value(), options.tenant));
}

int RunEvalExperiment(const EvalExperimentOptions& options) {
  eval::ExperimentOptions analysis;
  auto primary = eval::ParseOnlineMetric(options.metric);
  if (!primary || *primary == eval::kEmptyRate || *primary == eval::kDegradedRate) {
    return EvalFail(Status::InvalidArgument(
        "--metric: one of ctr, add_to_cart_rate, purchase_rate, revenue_per_exposure"));
  }
  if (!(options.alpha > 0 && options.alpha < 0.5)) {
    return EvalFail(Status::InvalidArgument("--alpha: want a number in (0, 0.5)"));
  }
  analysis.primary = *primary;
  analysis.sequential = options.sequential;
  analysis.aa_splits = options.aa_splits;
  analysis.alpha = options.alpha;
  analysis.min_users_per_variant = options.min_users;
  auto window = ParseWindow(options.from, options.to, 30);
  if (!window.ok()) return EvalFail(window.status());
  auto tenant = LoadTenantAndConfig(options.tenant);
  if (!tenant.ok()) return EvalFail(tenant.status());
  auto config = ParseTenantConfig(tenant.value().config_json);
  if (!config.ok())
    return EvalFail(Status::Internal("the current config: " + config.status().message()));
  auto conn = ConnectForReadsFromEnv();
  if (!conn.ok()) return EvalFail(conn.status());
  auto data = store::ReadExperiment(conn.value(), tenant.value().tenant.id, options.experiment,
                                    window.value().from, window.value().to, config.value());
  if (!data.ok()) return EvalFail(data.status());
  auto report = eval::AnalyzeExperiment(data.value(), analysis);
  if (!report.ok()) return EvalFail(report.status());
  const eval::ExperimentReport& r = report.value();
  std::printf("verdict: %s%s%s\n", eval::VerdictName(r.verdict),
              r.verdict_variant.empty() ? "" : " ", r.verdict_variant.c_str());
  for (const eval::Gate& g : r.gates) {
    std::printf("  [%s] %s: %s\n", g.passed ? "ok" : "FAIL", g.name.c_str(), g.detail.c_str());
  }
  service::EvalReport stored;
  stored.kind = "experiment";
  stored.report_json = eval::ExperimentReportJson(r);
  stored.summary_json =
      StrFormat(R"({"verdict": "%s", "primary_metric": "%s", "join_rate": %.4f})",
                eval::VerdictName(r.verdict), eval::OnlineMetricName(r.primary), r.join_rate);
  return PublishReport(
      options.out.empty() ? DefaultOutDir("experiment", options.tenant) : options.out,
      tenant.value().tenant, std::move(stored), eval::ExperimentReportDocument(r, options.tenant));
}

}  // namespace recsys::cli
