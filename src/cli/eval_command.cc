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
#include "cli/progress.h"
#include "cli/serve_config.h"
#include "core/json_writer.h"
#include "core/parse_number.h"
#include "core/str_format.h"
#include "core/strict_json.h"
#include "eval/experiment_report.h"
#include "eval/offline_report.h"
#include "store/admin_repository.h"
#include "store/eval_source.h"
#include "store/report_store.h"

namespace recsys::cli {
namespace {

constexpr int64_t kDayUs = 86400LL * 1000000;

int Fail(const Status& status) {
  std::fprintf(stderr, "recsys-service: eval: %s\n", status.message().c_str());
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kUnprocessable:
      return 2;
    default:
      return 1;
  }
}

struct TenantAndConfig {
  service::TenantRef tenant;
  std::string config_json;  // "{}" when the tenant has none yet
};

Result<TenantAndConfig> LoadTenant(const std::string& external_id) {
  auto url = ProcessEnv()("DATABASE_URL");
  if (!url || url->empty()) {
    return Status::InvalidArgument("DATABASE_URL is not set (want a libpq URL)");
  }
  store::PgAdminRepository repo(*url);
  auto tenant = repo.FindTenant(external_id);
  if (!tenant.ok()) return tenant.status();
  if (!tenant.value()) return Status::NotFound("no tenant \"" + external_id + "\"");
  auto current = repo.Current(*tenant.value(), service::DocKind::kConfig);
  if (!current.ok()) return current.status();
  return TenantAndConfig{*tenant.value(), current.value() ? current.value()->document : "{}"};
}

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
                                         "signals.history_items",
                                         "signals.history_days",
                                         "signals.event_weights.impression",
                                         "signals.event_weights.view",
                                         "signals.event_weights.click",
                                         "signals.event_weights.add_to_cart",
                                         "signals.event_weights.purchase"};

std::string JsonString(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  json::WriteString(writer, text);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// `json` with the dotted `path` ("weights.hist") set to `value` (a number, true or false).
Result<std::string> WithSetting(const std::string& json, const std::string& path,
                                const std::string& value) {
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseStrictJson(json, &doc));
  if (!doc.IsObject()) return Status::InvalidArgument("the config is not a JSON object");
  rapidjson::Value* node = &doc;
  std::stringstream parts(path);
  std::string part;
  std::vector<std::string> keys;
  while (std::getline(parts, part, '.')) keys.push_back(part);
  if (keys.empty()) return Status::InvalidArgument("--grid: empty setting name");
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!node->IsObject()) return Status::InvalidArgument("--grid: " + path + " is not an object");
    auto member = node->FindMember(keys[i].c_str());
    if (member == node->MemberEnd()) {
      node->AddMember(rapidjson::Value(keys[i].c_str(), doc.GetAllocator()),
                      rapidjson::Value(rapidjson::kObjectType), doc.GetAllocator());
      member = node->FindMember(keys[i].c_str());
    }
    node = &member->value;
  }
  if (value == "true" || value == "false") {
    node->SetBool(value == "true");
  } else if (auto integer = ParseInt64(value)) {
    node->SetInt64(*integer);  // integer settings (caps, days) refuse 2.0
  } else if (auto number = ParseFiniteDouble(value)) {
    node->SetDouble(*number);
  } else {
    return Status::InvalidArgument("--grid: " + path + "=" + value + ": want a number or a bool");
  }
  return Compact(doc);
}

Result<eval::ReplayConfig> ReplayConfigOf(const std::string& name, const std::string& json) {
  auto config = ParseTenantConfig(json);
  if (!config.ok()) return Status::InvalidArgument(name + ": " + config.status().message());
  return eval::ReplayConfig{name, json, std::move(config).value()};
}

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
    std::ifstream in(file);
    if (!in) return Status::InvalidArgument("--config " + file + ": cannot read it");
    std::stringstream text;
    text << in.rdbuf();
    RETURN_IF_ERROR(add(std::filesystem::path(file).filename().string(), text.str()));
  }
  auto grid = GridConfigs(current, options.grid);
  if (!grid.ok()) return grid.status();
  if (!options.grid.empty()) {
    for (auto& c : grid.value()) configs.push_back(std::move(c));
  }
  return configs;
}

std::string DefaultOut(const std::string& kind, const std::string& tenant) {
  std::string stamp = FormatRfc3339(NowUs()).substr(0, 19);
  std::replace(stamp.begin(), stamp.end(), ':', '-');
  return "eval-" + kind + "-" + tenant + "-" + stamp;
}

Status WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::Unavailable("cannot write " + path.string());
  return Status::Ok();
}

// Writes report.json, report.md, report.html and the charts into `dir`, then stores the report;
// prints where both went.
int Publish(const std::string& dir, const service::TenantRef& tenant, service::EvalReport report,
            const eval::ReportDocument& document) {
  report.markdown = eval::RenderMarkdown(document);
  report.html = eval::RenderHtml(document);
  report.title = document.title;
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return Fail(Status::Unavailable("cannot create " + dir + ": " + error.message()));
  const std::filesystem::path out(dir);
  Status written = WriteFile(out / "report.json", report.report_json);
  if (written.ok()) written = WriteFile(out / "report.md", report.markdown);
  if (written.ok()) written = WriteFile(out / "report.html", report.html);
  for (const auto& [name, svg] : document.charts) {
    if (written.ok()) written = WriteFile(out / name, svg);
  }
  if (!written.ok()) return Fail(written);
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  auto id = store::SaveReport(conn.value(), tenant.id, report, CliActor());
  if (!id.ok()) return Fail(id.status());
  std::printf("report %s written to %s/ and stored: GET /v1/admin/tenants/%s/reports/%s\n",
              id.value().c_str(), dir.c_str(), tenant.external_id.c_str(), id.value().c_str());
  return 0;
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

std::string OfflineSummary(const eval::OfflineReport& report, const eval::ConfigResult& best,
                           eval::Metric metric) {
  return StrFormat(R"({"surface": %s, "k": %d, "users": %lld, "metric": "%s", "best": %s})",
                   JsonString(report.surface).c_str(), report.k,
                   static_cast<long long>(report.users), eval::MetricName(metric),
                   JsonString(best.name).c_str());
}

Result<TimestampUs> ParseWhen(const std::string& text, const char* flag) {
  if (auto at = ParseRfc3339(text)) return *at;
  if (auto day = ParseDate(text)) return *day * kDayUs;
  return Status::InvalidArgument(std::string(flag) + ": want YYYY-MM-DD or an RFC 3339 time");
}

}  // namespace

int RunEvalOffline(const EvalOfflineOptions& options) {
  auto split_day = ParseDate(options.split_date);
  if (!split_day) return Fail(Status::InvalidArgument("--split-date: want YYYY-MM-DD"));
  std::optional<eval::Metric> metric;
  for (int m = 0; m < eval::kMetricCount; ++m) {
    if (options.metric == eval::MetricName(m)) metric = static_cast<eval::Metric>(m);
  }
  if (!metric)
    return Fail(Status::InvalidArgument(
        "--metric: one of recall, precision, ndcg, map, hit_rate, mrr, novelty"));
  auto tenant = LoadTenant(options.tenant);
  if (!tenant.ok()) return Fail(tenant.status());
  auto configs = OfflineConfigs(options, tenant.value().config_json);
  if (!configs.ok()) return Fail(configs.status());
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  std::fprintf(stderr, "reading %s's events before %s + %d days...\n", options.tenant.c_str(),
               options.split_date.c_str(), options.test_days);
  auto log = store::ReadEventLog(conn.value(), tenant.value().tenant.id,
                                 (*split_day + options.test_days) * kDayUs);
  if (!log.ok()) return Fail(log.status());
  std::fprintf(stderr, "%zu events, %zu users, %zu items; evaluating %zu configs\n",
               log.value().events().size(), log.value().users().size(), log.value().items().size(),
               configs.value().size());
  eval::OfflineOptions replay;
  replay.split_day = *split_day;
  replay.k = options.k;
  replay.surface = options.surface;
  replay.max_users = static_cast<size_t>(options.max_users);
  replay.resamples = options.resamples;
  replay.seed = options.seed;
  auto report = eval::ReplayOffline(log.value(), configs.value(), replay);
  if (!report.ok()) return Fail(report.status());
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
  stored.summary_json = OfflineSummary(report.value(), *best, *metric);
  return Publish(options.out.empty() ? DefaultOut("offline", options.tenant) : options.out,
                 tenant.value().tenant, std::move(stored),
                 eval::OfflineReportDocument(report.value(), options.tenant));
}

int RunEvalExperiment(const EvalExperimentOptions& options) {
  eval::ExperimentOptions analysis;
  auto primary = eval::ParseOnlineMetric(options.metric);
  if (!primary || *primary == eval::kEmptyRate || *primary == eval::kDegradedRate) {
    return Fail(Status::InvalidArgument(
        "--metric: one of ctr, add_to_cart_rate, purchase_rate, revenue_per_exposure"));
  }
  if (!(options.alpha > 0 && options.alpha < 0.5)) {
    return Fail(Status::InvalidArgument("--alpha: want a number in (0, 0.5)"));
  }
  analysis.primary = *primary;
  analysis.sequential = options.sequential;
  analysis.aa_splits = options.aa_splits;
  analysis.alpha = options.alpha;
  analysis.min_users_per_variant = options.min_users;
  const TimestampUs now = NowUs();
  Result<TimestampUs> to =
      options.to.empty() ? Result<TimestampUs>(now) : ParseWhen(options.to, "--to");
  if (!to.ok()) return Fail(to.status());
  Result<TimestampUs> from = options.from.empty() ? Result<TimestampUs>(to.value() - 30 * kDayUs)
                                                  : ParseWhen(options.from, "--from");
  if (!from.ok()) return Fail(from.status());
  if (from.value() >= to.value())
    return Fail(Status::InvalidArgument("--from must be before --to"));
  auto tenant = LoadTenant(options.tenant);
  if (!tenant.ok()) return Fail(tenant.status());
  auto config = ParseTenantConfig(tenant.value().config_json);
  if (!config.ok())
    return Fail(Status::Internal("the current config: " + config.status().message()));
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  auto data = store::ReadExperiment(conn.value(), tenant.value().tenant.id, options.experiment,
                                    from.value(), to.value(), config.value());
  if (!data.ok()) return Fail(data.status());
  auto report = eval::AnalyzeExperiment(data.value(), analysis);
  if (!report.ok()) return Fail(report.status());
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
  return Publish(options.out.empty() ? DefaultOut("experiment", options.tenant) : options.out,
                 tenant.value().tenant, std::move(stored),
                 eval::ExperimentReportDocument(r, options.tenant));
}

}  // namespace recsys::cli
