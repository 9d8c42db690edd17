#include "eval/impact_preview.h"

#include <chrono>
#include <unordered_set>

#include "core/id_table.h"
#include "eval/off_policy.h"
#include "eval/replay_world.h"

namespace recsys::eval {
namespace {

using service::ImpactReport;
using service::LoggedRequest;

// Items the signals of the sampled surfaces know: the denominator of coverage and Gini.
int64_t CatalogItems(const service::TenantState& tenant, const std::vector<LoggedRequest>& sample) {
  std::unordered_set<const SignalSnapshot*> snapshots;
  std::unordered_set<std::string_view> surfaces;
  for (const LoggedRequest& logged : sample) {
    if (!surfaces.insert(logged.surface).second) continue;
    bool fell_back = false;
    if (const SignalSnapshot* s = tenant.SnapshotFor(logged.surface, &fell_back)) {
      snapshots.insert(s);
    }
  }
  int64_t items = 0;
  for (const SignalSnapshot* s : snapshots) items += static_cast<int64_t>(s->item_count());
  return items;
}

// The logged response as an off-policy slate whose target is the draft's ranking.
LoggedSlate SlateOf(const LoggedRequest& logged, const std::vector<std::string>& draft,
                    IdTable& ids) {
  LoggedSlate slate;
  for (size_t i = 0; i < logged.served.size(); ++i) {
    const std::string& item = logged.served[i];
    slate.items.push_back(ids.Intern(item));
    slate.propensities.push_back(logged.propensities[i]);
    bool clicked = false;
    for (const std::string& c : logged.clicked) clicked = clicked || c == item;
    slate.clicked.push_back(clicked);
  }
  for (const std::string& item : draft) slate.target.push_back(ids.Intern(item));
  return slate;
}

service::PreviewOffPolicy OffPolicyOf(const std::vector<LoggedSlate>& slates) {
  const OffPolicyEstimate e = EstimateOffPolicy(slates, kPreviewMaxWeight);
  service::PreviewOffPolicy out;
  out.responses = e.slates;
  out.logged_clicks = e.logged_clicks;
  out.estimate = e.ips;
  out.low = e.ips_interval.low;
  out.high = e.ips_interval.high;
  out.snips = e.snips;
  out.effective_sample_size = e.effective_sample_size;
  out.enough_support = e.effective_sample_size >= kMinEffectiveSampleSize;
  return out;
}

void WarnAboutTheRun(const service::PreviewRequest& request, const service::TenantState& tenant,
                     ImpactReport& report) {
  if (report.capped) {
    report.warnings.push_back(
        {"SAMPLE_CAPPED", "sample.last " + std::to_string(request.requested_last) +
                              " is more than a preview replays; the newest " +
                              std::to_string(service::kPreviewMaxLast) + " were used"});
  }
  if (report.logged == 0) {
    report.warnings.push_back(
        {"NO_LOGGED_REQUESTS", "no logged requests in the sample: nothing to compare"});
  }
  if (!report.complete) {
    report.warnings.push_back({"DEADLINE_REACHED", "the preview's time ran out after " +
                                                       std::to_string(report.replayed) +
                                                       " requests; the figures cover those"});
  }
  if (report.not_replayed > 0) {
    report.warnings.push_back(
        {"NOT_REPLAYED", std::to_string(report.not_replayed) +
                             " logged requests could not be ranked again (no signals for "
                             "their surface, or no longer valid)"});
  }
  if (request.config && ReplayWorld::KeyOf(*request.config) != ReplayWorld::KeyOf(tenant.config)) {
    report.warnings.push_back(
        {"SIGNAL_SETTINGS_NOT_REPLAYED",
         "the draft changes how signals are built (half-life, windows, event weights or history "
         "length); the preview ranks with the current signals, so that part shows only after a "
         "rebuild"});
  }
}

}  // namespace

Result<ImpactReport> ReplayPreviewer::Preview(const service::TenantRef& tenant,
                                              const service::PreviewRequest& request,
                                              const service::PreviewBudget& budget) const {
  const auto started = std::chrono::steady_clock::now();
  const std::shared_ptr<const service::ServingState> state = state_.Get();
  const service::TenantState* current = state->FindActive(tenant.external_id);
  if (current == nullptr) return Status::PermissionDenied(service::kTenantNotServable);
  const TimestampUs now = NowUs();
  auto sample = source_.Read(tenant.id, request.sample, now);
  if (!sample.ok()) return sample.status();

  ImpactReport report;
  report.tenant_id = tenant.external_id;
  report.config_version = current->config_etag;
  report.rules_version = current->rules_etag;
  report.draft_config = request.config.has_value();
  report.draft_rules = request.rules.has_value();
  report.sample = request.sample;
  report.requested_last = request.requested_last;
  report.capped = request.requested_last > request.sample.last;
  report.logged = static_cast<int64_t>(sample.value().size());

  ImpactTally tally(CatalogItems(*current, sample.value()), service::kPreviewRboPersistence);
  IdTable ids;
  std::vector<LoggedSlate> slates;
  const TenantConfig* draft_config = request.config ? &*request.config : nullptr;
  const std::vector<Rule>* draft_rules = request.rules ? &*request.rules : nullptr;
  for (const LoggedRequest& logged : sample.value()) {
    if (budget.Spent()) {
      report.complete = false;
      break;
    }
    auto pair = recommend_.RankLoggedTwice(
        tenant.external_id, {logged.request_json, logged.user_key, logged.session_id, now},
        draft_config, draft_rules);
    if (!pair.ok()) {
      if (pair.status().code() == StatusCode::kPermissionDenied) return pair.status();
      ++report.not_replayed;
      continue;
    }
    ++report.replayed;
    const service::RankedPair& p = pair.value();
    tally.Add(p.before, p.after, p.k, p.before_rules, p.after_rules);
    if (!logged.propensities.empty()) slates.push_back(SlateOf(logged, p.after, ids));
  }
  report.summary = tally.Summarize();
  if (!slates.empty()) report.off_policy = OffPolicyOf(slates);
  WarnAboutTheRun(request, *current, report);
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace recsys::eval
