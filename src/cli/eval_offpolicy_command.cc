// `recsys-service eval offpolicy`: estimates what draft configs would have earned on the
// responses logged while exploration was on (eval/off_policy.h), re-ranking each logged request
// with signals and history rebuilt as of the window's start (eval/replay_world.h).
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "cli/command_env.h"
#include "cli/eval_command.h"
#include "cli/eval_support.h"
#include "eval/off_policy_report.h"
#include "eval/replay_world.h"
#include "store/eval_source.h"

namespace recsys::cli {
namespace {

// Re-ranks logged responses for one config, building a world per surface on first use.
class Reranker {
 public:
  Reranker(const eval::EventLog& log, const TenantConfig& config, int32_t day)
      : log_(log), config_(config), day_(day) {}

  // The config's ranking for `response` (as many items as were shown), as log item indexes;
  // empty when the surface had no events before the window.
  const std::vector<uint32_t>& Rank(const store::LoggedResponse& response) {
    ranked_.clear();
    auto surface = log_.surfaces().Find(response.surface);
    if (!surface) return ranked_;
    std::unique_ptr<eval::ReplayWorld>& world = worlds_[*surface];
    if (!world) world = std::make_unique<eval::ReplayWorld>(log_, *surface, config_, day_);
    const uint32_t user = log_.users().Find(response.user_key).value_or(eval::kNone);
    world->Rank(config_, user, static_cast<int>(response.items.size()), scratch_, ranked_);
    return ranked_;
  }

 private:
  const eval::EventLog& log_;
  const TenantConfig& config_;
  int32_t day_;
  std::map<uint32_t, std::unique_ptr<eval::ReplayWorld>> worlds_;
  RankScratch scratch_;
  std::vector<uint32_t> ranked_;
};

// The logged responses as slates whose targets are `config`'s rankings.
std::vector<eval::LoggedSlate> Slates(const eval::EventLog& log,
                                      const std::vector<store::LoggedResponse>& responses,
                                      const TenantConfig& config, int32_t day) {
  Reranker reranker(log, config, day);
  std::vector<eval::LoggedSlate> slates;
  slates.reserve(responses.size());
  for (const store::LoggedResponse& response : responses) {
    eval::LoggedSlate slate;
    for (size_t i = 0; i < response.items.size(); ++i) {
      const std::string& item = response.items[i];
      slate.items.push_back(log.items().Find(item).value_or(eval::kNone));
      slate.propensities.push_back(response.propensities[i]);
      bool clicked = false;
      for (const std::string& c : response.clicked) clicked = clicked || c == item;
      slate.clicked.push_back(clicked);
    }
    slate.target = reranker.Rank(response);
    slates.push_back(std::move(slate));
  }
  return slates;
}

}  // namespace

int RunEvalOffPolicy(const EvalOffPolicyOptions& options) {
  if (!(options.max_weight >= 1)) {
    return EvalFail(Status::InvalidArgument("--clip: want a weight >= 1"));
  }
  auto window = ParseWindow(options.from, options.to, 7);
  if (!window.ok()) return EvalFail(window.status());
  const TimestampUs from = window.value().from, to = window.value().to;
  auto tenant = LoadTenantAndConfig(options.tenant);
  if (!tenant.ok()) return EvalFail(tenant.status());
  std::vector<eval::ReplayConfig> configs;
  auto current = ReplayConfigOf("current", tenant.value().config_json);
  if (!current.ok()) return EvalFail(current.status());
  configs.push_back(std::move(current).value());
  for (const std::string& file : options.config_files) {
    auto config = ReplayConfigFromFile(file);
    if (!config.ok()) return EvalFail(config.status());
    configs.push_back(std::move(config).value());
  }
  auto conn = ConnectForReadsFromEnv();
  if (!conn.ok()) return EvalFail(conn.status());
  auto responses = store::ReadLoggedResponses(conn.value(), tenant.value().tenant.id, from, to);
  if (!responses.ok()) return EvalFail(responses.status());
  if (responses.value().empty()) {
    return EvalFail(Status::FailedPrecondition(
        "no responses with propensities in the window: turn ranking.exploration on and let it "
        "serve for a while"));
  }
  auto log = store::ReadEventLog(conn.value(), tenant.value().tenant.id, from);
  if (!log.ok()) return EvalFail(log.status());
  eval::OffPolicyReport report;
  report.from = FormatRfc3339(from);
  report.to = FormatRfc3339(to);
  report.max_weight = options.max_weight;
  report.responses = static_cast<int64_t>(responses.value().size());
  for (const store::LoggedResponse& r : responses.value()) {
    report.responses_without_history += !log.value().users().Find(r.user_key).has_value();
  }
  std::printf("%-32s %10s %10s %10s %10s\n", "config", "IPS", "SNIPS", "ESS", "logged");
  for (const eval::ReplayConfig& c : configs) {
    const auto slates = Slates(log.value(), responses.value(), c.config, DayOf(from));
    const eval::OffPolicyEstimate estimate = eval::EstimateOffPolicy(slates, options.max_weight);
    std::printf("%-32s %10.4f %10.4f %10.0f %10.4f%s\n", c.name.c_str(), estimate.ips,
                estimate.snips, estimate.effective_sample_size, estimate.logged_clicks,
                estimate.effective_sample_size >= eval::kMinEffectiveSampleSize
                    ? ""
                    : "  (too little support: explore more or log longer)");
    report.configs.push_back({c.name, c.config_json, estimate});
  }
  service::EvalReport stored;
  stored.kind = "offpolicy";
  stored.report_json = eval::OffPolicyReportJson(report);
  stored.summary_json = "{\"responses\": " + std::to_string(report.responses) + "}";
  return PublishReport(
      options.out.empty() ? DefaultOutDir("offpolicy", options.tenant) : options.out,
      tenant.value().tenant, std::move(stored),
      eval::OffPolicyReportDocument(report, options.tenant));
}

}  // namespace recsys::cli
