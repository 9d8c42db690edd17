#include "service/recommend_service.h"

#include <algorithm>
#include <chrono>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/exploration.h"
#include "core/interleave.h"
#include "core/json_writer.h"
#include "core/request_json.h"
#include "crypto/digest.h"
#include "service/experiments.h"

namespace recsys::service {
namespace {

int64_t MicrosSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

// Whether ranking `q` reads the user's history: for anchors (none in the request), `hist`, or
// exclude_seen. Otherwise the lookup (a keyed hash and a shard lock) is skipped.
bool NeedsHistory(const RecommendRequest& q, const TenantConfig& config) {
  return q.anchor_ids.empty() || q.weights.hist.value_or(config.weights.hist) > 0 ||
         q.exclude_seen.value_or(config.ranking.exclude_seen);
}

// Randomness for interleaving and exploration: the request's seed when it gives one (so that a
// test or a replay gets the same list), else different for every request.
uint64_t RequestSeed(const RecommendRequest& q) {
  if (q.seed) return static_cast<uint64_t>(*q.seed);
  return std::hash<std::string_view>{}(PrimaryUserKey(q)) ^
         static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

// Ranks with the input's config and with `partner`, then merges both by team-draft interleaving.
void RankInterleaved(const RankInput& input, const TenantConfig& partner, RankScratch& scratch,
                     Served& served) {
  served.result = Recommend(input, scratch);
  const RankInput second_input{input.request, input.snapshot,    partner,       input.rules,
                               input.now,     input.unavailable, input.history, input.live};
  RankResult second = Recommend(second_input, scratch);
  Interleaved merged = TeamDraftInterleave(served.result.items, second.items, input.request.k,
                                           RequestSeed(input.request));
  served.result.items = std::move(merged.items);
  served.teams = std::move(merged.teams);
}

// Ranks the pool below the cut too, then lets exploration replace a few slots.
void RankExploring(const RankInput& input, const RankingParams& ranking, RankScratch& scratch,
                   Served& served) {
  RecommendRequest& q = served.request;  // input.request
  const int k = q.k;
  q.k = k + ranking.exploration_pool;
  served.result = Recommend(input, scratch);
  q.k = k;
  served.propensities =
      Explore(served.result.items, k, ranking.exploration_epsilon, RequestSeed(q));
}

}  // namespace

RecommendService::RecommendService(const StateHolder& holder, ExposureSink* sink,
                                   RecommendOptions options, const HistoryIndex* history,
                                   const LiveRegistry* live)
    : holder_(holder), sink_(sink), options_(std::move(options)), history_(history), live_(live) {}

void RecommendService::ChooseSignals(const TenantState& tenant, Served& served) const {
  const std::string& surface = served.request.surface;
  bool fell_back = false;
  served.snapshot = tenant.SnapshotFor(surface, &fell_back);
  // A pinned tenant serves its version as it was built: the events since, folded live, may be
  // what the rollback is about (docs/signal-versions.md).
  if (live_ != nullptr && tenant.pinned_version == 0) {
    // A surface with a live layer serves from it, also before it has a snapshot (a surface whose
    // only events are today's).
    served.live_layer = live_->Find(tenant.id, surface);
    if (served.live_layer != nullptr) {
      fell_back = false;
    } else if (surface != "default" && (fell_back || served.snapshot == nullptr)) {
      served.live_layer = live_->Find(tenant.id, "default");
      fell_back = fell_back || served.live_layer != nullptr;
    }
  }
  if (fell_back) {
    served.warnings.push_back({"FALLBACK_NAMESPACE", "no signals for surface \"" + surface +
                                                         "\"; the default namespace served"});
  }
  if (served.live_layer != nullptr) {
    served.live.emplace(served.live_layer->Read());
    served.snapshot = &served.live->base();
  }
}

const std::vector<bool>* RecommendService::Unavailable(const TenantState& tenant,
                                                       const Served& served) {
  return served.live ? served.live->unavailable() : tenant.UnavailableIn(served.snapshot);
}

std::vector<HistoryItem> RecommendService::RecentHistory(const TenantState& tenant,
                                                         const RecommendRequest& q,
                                                         TimestampUs now) const {
  if (history_ == nullptr) return {};
  const std::string key = q.user_id.empty() && q.anonymous_id.empty()
                              ? std::string()
                              : UserKey(q.user_id.empty() ? q.anonymous_id : q.user_id);
  return RecentHistoryOf(tenant, key, q.session_id, now);
}

std::vector<HistoryItem> RecommendService::RecentHistoryOf(const TenantState& tenant,
                                                           std::string_view user_key,
                                                           std::string_view session_id,
                                                           TimestampUs now) const {
  if (history_ == nullptr) return {};
  const TimestampUs not_before =
      now - static_cast<TimestampUs>(tenant.config.signals.history_days) * kMicrosPerDay;
  if (!user_key.empty()) {
    auto items =
        history_->Recent({tenant.id, HistoryKeyKind::kUser, std::string(user_key)}, not_before);
    if (!items.empty() || session_id.empty()) return items;
  }
  return history_->Recent({tenant.id, HistoryKeyKind::kSession, std::string(session_id)},
                          not_before);
}

std::string RecommendService::UserKey(std::string_view user_id) const {
  return crypto::HmacSha256(options_.user_key_secret, user_id);
}

Status RecommendService::FindTenant(std::string_view tenant_external_id, Served& served) const {
  served.state = holder_.Get();
  served.tenant = served.state->FindActive(tenant_external_id);
  if (served.tenant == nullptr) return Status::PermissionDenied(kTenantNotServable);
  return Status::Ok();
}

Status RecommendService::TakeRateToken(const TenantState& tenant) const {
  const double rate = tenant.config.rate_limit_rps > 0 ? tenant.config.rate_limit_rps
                                                       : options_.default_rate_limit_rps;
  if (rate <= 0) return Status::Ok();
  const double burst =
      tenant.config.rate_limit_burst > 0 ? tenant.config.rate_limit_burst : std::max(1.0, 2 * rate);
  if (int retry = limiter_.Take(tenant.external_id, rate, burst, NowUs()); retry > 0) {
    return Status::RateLimited("this tenant's request rate limit is exceeded", retry);
  }
  return Status::Ok();
}

Result<Served> RecommendService::Handle(Endpoint endpoint, std::string_view tenant_external_id,
                                        std::string_view body) const {
  Served served;
  RETURN_IF_ERROR(FindTenant(tenant_external_id, served));
  RETURN_IF_ERROR(TakeRateToken(*served.tenant));
  RETURN_IF_ERROR(ParseAndRank(endpoint, body, served));
  return served;
}

Status RecommendService::ParseAndRank(Endpoint endpoint, std::string_view body,
                                      Served& served) const {
  const TenantState& tenant = *served.tenant;
  const auto started = std::chrono::steady_clock::now();
  Result<RecommendRequest> request = endpoint == Endpoint::kSimilar
                                         ? ParseSimilarRequest(body, tenant.config)
                                         : ParseRecommendRequest(body, tenant.config);
  if (!request.ok()) return request.status();
  served.request = std::move(request).value();
  served.parse_us = MicrosSince(started);
  served.warnings = served.request.warnings;
  if (endpoint == Endpoint::kValidate) return Status::Ok();

  ChooseSignals(tenant, served);
  if (served.snapshot == nullptr) {
    served.warnings.push_back({"SIGNAL_UNAVAILABLE", "no signals loaded for this tenant"});
    return Status::Ok();
  }
  const TenantConfig* config = &tenant.config;
  std::optional<TenantConfig> partner;  // interleaving: the second variant's config
  if (endpoint == Endpoint::kRecommend) {
    RecommendRequest& q = served.request;
    if (auto a =
            AssignExperiment(tenant.config, q.surface, PrimaryUserKey(q), options_.experiment_salt,
                             q.experiment_id, q.experiment_variant)) {
      q.experiment_id = std::move(a->experiment_id);
      q.experiment_variant = std::move(a->variant);
      served.variant_config = std::move(a->config);
      config = &*served.variant_config;
      partner = std::move(a->second_config);
      served.team_names[0] = std::move(a->teams[0]);
      served.team_names[1] = std::move(a->teams[1]);
    }
  }
  const auto rank_started = std::chrono::steady_clock::now();
  thread_local RankScratch scratch;
  const TimestampUs now = served.request.now.value_or(NowUs());
  std::vector<HistoryItem> history;
  if (endpoint == Endpoint::kRecommend && (NeedsHistory(served.request, *config) ||
                                           (partner && NeedsHistory(served.request, *partner)))) {
    history = RecentHistory(tenant, served.request, now);
  }
  RankInput input{served.request,
                  *served.snapshot,
                  *config,
                  tenant.rules,
                  now,
                  Unavailable(tenant, served),
                  history,
                  served.live ? &*served.live : nullptr};
  if (endpoint == Endpoint::kSimilar) {
    served.result = Similar(input, scratch);
  } else if (partner) {
    RankInterleaved(input, *partner, scratch, served);
  } else if (config->ranking.exploration_epsilon > 0) {
    RankExploring(input, config->ranking, scratch, served);
  } else {
    served.result = Recommend(input, scratch);
  }
  for (Warning& w : served.result.warnings) served.warnings.push_back(std::move(w));
  served.rank_us = MicrosSince(rank_started);
  return Status::Ok();
}

Result<DryRun> RecommendService::DryRunRules(std::string_view tenant_external_id,
                                             std::string_view draft_rules_json,
                                             std::string_view request_json) const {
  auto draft = ParseRules(draft_rules_json);
  if (!draft.ok()) {
    return Status::Unprocessable(draft.status().message()).WithReason("RECSYS_INVALID_RULES");
  }
  // A preview for an operator: it must not spend the tenant's serving quota (no TakeRateToken).
  Served before;
  RETURN_IF_ERROR(FindTenant(tenant_external_id, before));
  RETURN_IF_ERROR(ParseAndRank(Endpoint::kRecommend, request_json, before));
  DryRun out;
  out.rules_version = before.tenant->rules_etag;
  if (before.snapshot == nullptr) return out;
  const SignalView signals = before.signals();

  const TenantConfig& config =
      before.variant_config ? *before.variant_config : before.tenant->config;
  const TimestampUs now = before.request.now.value_or(NowUs());
  const std::vector<HistoryItem> history = RecentHistory(*before.tenant, before.request, now);
  RankResult after = RankWith(before, config, draft.value(), history, now);

  std::vector<ItemIndex> shown;
  for (const RankedItem& item : before.result.items) {
    out.before.emplace_back(signals.item_id(item.item));
    shown.push_back(item.item);
  }
  for (const RankedItem& item : after.items) {
    out.after.emplace_back(signals.item_id(item.item));
    shown.push_back(item.item);
  }
  auto rank_in = [](const std::vector<std::string>& list, const std::string& id) {
    auto it = std::find(list.begin(), list.end(), id);
    return it == list.end() ? 0 : static_cast<int>(it - list.begin()) + 1;
  };
  for (const std::string& id : out.after) {
    const int from = rank_in(out.before, id), to = rank_in(out.after, id);
    if (from == 0)
      out.entered.push_back(id);
    else if (from != to)
      out.moved.push_back({id, from, to});
  }
  for (const std::string& id : out.before) {
    if (rank_in(out.after, id) == 0) out.left.push_back(id);
  }
  const std::vector<const Rule*> applicable =
      ApplicableRules(draft.value(), before.request.surface, before.request.segment, now);
  for (const Rule& rule : draft.value()) {
    DryRunRule report{rule.index,
                      rule.id,
                      std::find(applicable.begin(), applicable.end(), &rule) != applicable.end(),
                      {}};
    std::vector<ItemIndex> candidates = shown;
    for (const std::string& id : rule.item_ids) {
      if (auto i = signals.Find(id)) candidates.push_back(*i);
    }
    for (ItemIndex i : candidates) {
      const std::string id(signals.item_id(i));
      if (RuleTargets(rule, signals, i) &&
          std::find(report.matched.begin(), report.matched.end(), id) == report.matched.end()) {
        report.matched.push_back(id);
      }
    }
    out.rules.push_back(std::move(report));
  }
  return out;
}

RankResult RecommendService::RankWith(const Served& served, const TenantConfig& config,
                                      const std::vector<Rule>& rules,
                                      std::span<const HistoryItem> history, TimestampUs now) {
  thread_local RankScratch scratch;
  return Recommend(
      {served.request, *served.snapshot, config, rules, now, Unavailable(*served.tenant, served),
       history, served.live ? &*served.live : nullptr},
      scratch);
}

namespace {

RuleEffects EffectsOf(const RankResult& result) {
  RuleEffects effects;
  effects.blocked = result.trace.blocked > 0;
  for (const RankedItem& item : result.items) {
    effects.pinned = effects.pinned || (item.reasons & kReasonPin) != 0;
    effects.boosted = effects.boosted || (item.reasons & kReasonBoost) != 0;
  }
  return effects;
}

// `request_json` with `user` set to a stand-in session, so that a logged request (which keeps no
// user identifiers) validates; the caller restores the logged session.
Result<std::string> WithStandInUser(std::string_view request_json) {
  rapidjson::Document doc;
  doc.Parse(request_json.data(), request_json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Status::InvalidArgument("logged request: not a JSON object");
  }
  doc.RemoveMember("user");
  rapidjson::Value user(rapidjson::kObjectType);
  user.AddMember("session_id", "logged", doc.GetAllocator());
  doc.AddMember("user", user, doc.GetAllocator());
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  doc.Accept(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

Result<RankedPair> RecommendService::RankLoggedTwice(std::string_view tenant_external_id,
                                                     const LoggedRanking& logged,
                                                     const TenantConfig* draft_config,
                                                     const std::vector<Rule>* draft_rules) const {
  Served served;
  RETURN_IF_ERROR(FindTenant(tenant_external_id, served));
  const TenantState& tenant = *served.tenant;
  auto body = WithStandInUser(logged.request_json);
  if (!body.ok()) return body.status();
  auto request = ParseRecommendRequest(body.value(), tenant.config);
  if (!request.ok()) return request.status();
  served.request = std::move(request).value();
  served.request.session_id = std::string(logged.session_id);
  ChooseSignals(tenant, served);
  if (served.snapshot == nullptr) {
    return Status::FailedPrecondition("no signals for surface " + served.request.surface);
  }
  const TenantConfig& after_config = draft_config != nullptr ? *draft_config : tenant.config;
  const std::vector<Rule>& after_rules = draft_rules != nullptr ? *draft_rules : tenant.rules;
  const TimestampUs now = served.request.now.value_or(logged.now);
  std::vector<HistoryItem> history;
  if (NeedsHistory(served.request, tenant.config) || NeedsHistory(served.request, after_config)) {
    history = RecentHistoryOf(tenant, logged.user_key, logged.session_id, now);
  }
  const RankResult before = RankWith(served, tenant.config, tenant.rules, history, now);
  const RankResult after = RankWith(served, after_config, after_rules, history, now);
  RankedPair pair;
  pair.k = served.request.k;
  const SignalView signals = served.signals();
  for (const RankedItem& item : before.items) pair.before.emplace_back(signals.item_id(item.item));
  for (const RankedItem& item : after.items) pair.after.emplace_back(signals.item_id(item.item));
  pair.before_rules = EffectsOf(before);
  pair.after_rules = EffectsOf(after);
  return pair;
}

std::string ExposureResponseJson(const Served& served) {
  rapidjson::StringBuffer buffer(nullptr, 1024);  // ids and scores of k items
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  // Six decimals: enough to compare scores, and a third of the digits PostgreSQL would read on
  // every row. The client's response keeps full precision.
  w.StartObject();
  w.Key("items");
  w.StartArray();
  for (const RankedItem& item : served.result.items) {
    json::WriteString(w, served.item_id(item.item));
  }
  w.EndArray();
  w.Key("scores");
  w.StartArray();
  for (const RankedItem& item : served.result.items) {
    json::WriteFixed(w, item.score, kExposureScoreDecimals);
  }
  w.EndArray();
  if (!served.teams.empty()) {
    w.Key("teams");
    w.StartArray();
    for (uint8_t team : served.teams) json::WriteString(w, served.team_names[team]);
    w.EndArray();
  }
  if (!served.propensities.empty()) {
    w.Key("propensities");
    w.StartArray();
    // Nine decimals: a propensity is a probability the off-policy estimate divides by, so small
    // ones must not round to zero.
    for (float p : served.propensities) json::WriteFixed(w, p, 9);
    w.EndArray();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void RecommendService::RecordExposure(const Served& served, const std::string& request_id,
                                      std::string_view meta_json) const {
  if (sink_ == nullptr) return;
  const RecommendRequest& q = served.request;
  Exposure e;
  e.tenant_id = served.tenant->id;
  e.occurred_at = NowUs();
  e.request_id = request_id;
  e.surface = q.surface;
  e.segment = q.segment;
  const std::string_view user = PrimaryUserKey(q);
  if (!user.empty()) e.user_key = UserKey(user);
  e.session_id = q.session_id;
  e.experiment_id = q.experiment_id;
  e.experiment_variant = q.experiment_variant;
  e.algo_version = kAlgoVersion;
  e.config_etag = served.tenant->config_etag;
  e.rules_etag = served.tenant->rules_etag;
  e.request_json = ExposureRequestJson(q);
  const std::string response_json = ExposureResponseJson(served);
  e.response_json = response_json;
  e.meta_json = meta_json;
  sink_->Record(e);
}

}  // namespace recsys::service
