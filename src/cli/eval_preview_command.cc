// `recsys-service eval preview`: the impact preview of POST .../preview from the command line.
// Loads the tenant's serving state (signals, config, rules) and its users' recent history as a
// server would, replays the newest logged requests under the current and the draft config
// and/or rules (eval/impact_preview.h), prints the figures (text, or JSON with --json), and
// stores the report for the console's Reports page.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/command_env.h"
#include "cli/eval_command.h"
#include "cli/eval_support.h"
#include "cli/serve_config.h"
#include "core/strict_json.h"
#include "eval/impact_preview.h"
#include "eval/impact_report.h"
#include "service/history_index.h"
#include "service/impact_report_json.h"
#include "store/exposure_sample.h"
#include "store/history_tailer.h"
#include "store/state_loader.h"

namespace recsys::cli {
namespace {

// A preview from the command line may take longer than the server's (nobody else waits on it).
constexpr auto kCommandDeadline = std::chrono::minutes(10);
// Users' recent history the command loads for the replay, as a server keeps it.
constexpr size_t kHistoryBytes = size_t{512} << 20;

// The JSON document in `path` (`flag` names it in errors), as text.
Result<std::string> ReadJsonFile(const std::string& flag, const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument(flag + " " + path + ": cannot read it");
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseStrictJson(text.str(), &doc, flag + " " + path));
  return text.str();
}

// The options as a POST .../preview body, so that both validate the same way.
Result<service::PreviewRequest> PreviewRequestOf(const EvalPreviewOptions& options) {
  std::string body = "{";
  if (!options.config_file.empty()) {
    auto config = ReadJsonFile("--config", options.config_file);
    if (!config.ok()) return config.status();
    body += "\"config\": " + config.value() + ", ";
  }
  if (!options.rules_file.empty()) {
    auto rules = ReadJsonFile("--rules", options.rules_file);
    if (!rules.ok()) return rules.status();
    body += "\"rules\": " + rules.value() + ", ";
  }
  body += "\"sample\": {\"last\": " + std::to_string(options.last);
  if (!options.surface.empty()) body += ", \"surface\": " + JsonString(options.surface);
  if (!options.from.empty() || !options.to.empty()) {
    auto window = ParseWindow(options.from, options.to, 7);
    if (!window.ok()) return window.status();
    body += ", \"from\": \"" + FormatRfc3339(window.value().from) + "\", \"to\": \"" +
            FormatRfc3339(window.value().to) + "\"";
  }
  auto request = service::ParsePreviewRequest(body + "}}");
  if (!request.ok()) return Status::InvalidArgument(request.status().message());
  return request;
}

// The tenant's serving state and its users' history, loaded as a server loads them.
struct ServingCopy {
  service::StateHolder state;
  service::HistoryIndex history{kHistoryBytes};
};

Status LoadServingCopy(const std::string& url, const std::string& tenant, ServingCopy& copy) {
  service::SignalReload only;
  only.tenants = {tenant};
  only.only = true;
  store::StateLoader loader(url);
  auto state = loader.Load(nullptr, only, NowUs());
  if (!state.ok()) return state.status();
  const service::TenantState* loaded = state.value()->Find(tenant);
  if (loaded == nullptr) return Status::NotFound("no tenant \"" + tenant + "\"");
  const int history_days = loaded->config.signals.history_days;
  copy.state.Publish(std::move(state).value());
  auto conn = store::PgConnection::Connect(url);
  if (!conn.ok()) return conn.status();
  store::HistoryTailer tailer(url, copy.history, copy.state, std::chrono::milliseconds(500),
                              history_days);
  return tailer.Step(conn.value());  // the warm-up: no thread, no tailing after it
}

std::string DraftNames(const EvalPreviewOptions& options) {
  std::string names;
  if (!options.config_file.empty()) names += "config " + options.config_file;
  if (!options.rules_file.empty()) {
    names += (names.empty() ? "" : ", ") + std::string("rules ") + options.rules_file;
  }
  return names;
}

}  // namespace

int RunEvalPreview(const EvalPreviewOptions& options) {
  if (options.config_file.empty() && options.rules_file.empty()) {
    return EvalFail(Status::InvalidArgument("give a draft: --config FILE and/or --rules FILE"));
  }
  auto request = PreviewRequestOf(options);
  if (!request.ok()) return EvalFail(request.status());
  auto tenant = LoadTenantAndConfig(options.tenant);
  if (!tenant.ok()) return EvalFail(tenant.status());
  const std::string url = *ProcessEnv()("DATABASE_URL");
  ServingCopy copy;
  if (Status loaded = LoadServingCopy(url, options.tenant, copy); !loaded.ok()) {
    return EvalFail(loaded);
  }
  service::RecommendService recommend(copy.state, nullptr, {}, &copy.history);
  store::PgExposureSample sample(url);
  eval::ReplayPreviewer previewer(sample, copy.state, recommend);
  auto report = previewer.Preview(tenant.value().tenant, request.value(),
                                  {std::chrono::steady_clock::now() + kCommandDeadline, nullptr});
  if (!report.ok()) return EvalFail(report.status());
  const std::string json = service::ImpactReportJson(report.value());
  if (options.json) {
    std::printf("%s\n", json.c_str());
  } else {
    std::printf("%s", eval::ImpactReportText(report.value()).c_str());
  }
  std::fflush(stdout);
  service::EvalReport stored;
  stored.kind = "preview";
  stored.report_json = json;
  stored.summary_json =
      "{\"replayed\": " + std::to_string(report.value().replayed) +
      ", \"changed_share\": " + std::to_string(report.value().summary.changed_share) + "}";
  return PublishReport(options.out.empty() ? DefaultOutDir("preview", options.tenant) : options.out,
                       tenant.value().tenant, std::move(stored),
                       eval::ImpactReportDocument(report.value(), DraftNames(options)),
                       /*location_to_stderr=*/options.json);
}

}  // namespace recsys::cli
