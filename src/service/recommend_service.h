// The serving use cases: /v1/recommend, /v1/recommend/validate and /v1/similar.
//
// Handle() resolves the tenant from the published state (no SQL), validates the body against the
// tenant's config, and ranks. The caller (the HTTP adapter) writes the response, then calls
// RecordExposure(). Thread-safe: each thread ranks with its own scratch space.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/impact_metrics.h"
#include "core/ranker.h"
#include "core/request.h"
#include "service/exposure_sink.h"
#include "service/history_index.h"
#include "service/live_registry.h"
#include "service/rate_limiter.h"
#include "service/serving_state.h"

namespace recsys::service {

inline constexpr const char* kAlgoVersion = "recsys-blend-1";

enum class Endpoint { kRecommend, kValidate, kSimilar };

struct RecommendOptions {
  std::string user_key_secret;        // HMAC key of exposure user_key
  std::string experiment_salt;        // keys variant assignment; keep it stable across deploys
  double default_rate_limit_rps = 0;  // per tenant, when its config sets none; 0: unlimited
};

struct Served {
  std::shared_ptr<const ServingState> state;  // keeps tenant and snapshot alive
  const TenantState* tenant = nullptr;
  // The namespace's base snapshot (null when the tenant has no signals) and, when the namespace
  // has one, its live layer, read-locked until this Served is destroyed (the response is
  // written first); RankResult item indexes are then SignalView's.
  const SignalSnapshot* snapshot = nullptr;
  std::shared_ptr<LiveSignals> live_layer;
  std::optional<LiveSignals::View> live;
  SignalView signals() const { return SignalView(*snapshot, live ? &*live : nullptr); }
  // REQUIRES: snapshot != nullptr.
  std::string_view item_id(ItemIndex i) const { return signals().item_id(i); }
  RecommendRequest request;  // experiment_id/variant filled in when one was assigned
  std::optional<TenantConfig> variant_config;  // the experiment variant's config, when it differs
  RankResult result;
  // An interleaving experiment: per item its team (0 or 1), and the teams' variant names.
  std::vector<uint8_t> teams;
  std::string team_names[2];
  // Exploration on (config ranking.exploration): per item its propensity in its slot.
  std::vector<float> propensities;
  std::vector<Warning> warnings;  // request defaults + signal warnings + ranking warnings
  int64_t parse_us = 0, rank_us = 0;
};

// What a draft rule set would change for one request (POST .../rules/dry-run).
struct DryRunRule {
  int index = 0;
  std::string id;
  bool applicable = false;           // enabled, surface/segment/time match the request
  std::vector<std::string> matched;  // items it targets among those shown or named
};

struct DryRunMove {
  std::string item_id;
  int from = 0, to = 0;  // ranks, 1-based
};

struct DryRun {
  std::string rules_version;               // the current rules it is compared with
  std::vector<std::string> before, after;  // item ids in rank order
  std::vector<std::string> entered, left;  // in `after` only / in `before` only
  std::vector<DryRunMove> moved;           // in both, at another rank
  std::vector<DryRunRule> rules;
};

// A logged request to rank again (an exposure row keeps the normalized request without user
// identifiers, and the user as its keyed hash).
struct LoggedRanking {
  std::string_view request_json;
  std::string_view user_key;  // raw bytes of the keyed hash; empty when none
  std::string_view session_id;
  TimestampUs now = 0;  // when the request gives no context.now
};

// One request ranked with the current config and rules and with a draft's.
struct RankedPair {
  std::vector<std::string> before, after;  // item ids in rank order
  int k = 0;
  RuleEffects before_rules, after_rules;
};

// The exposure row's `response`: {"items": [ids in ranked order], "scores": [their scores]}, with
// "teams": [variant per item] when interleaved and "propensities": [...] when exploring. The
// rest of the HTTP body (reasons, explain values, warnings) is not stored again: the row is the
// per-response cost of serving, and these are what evaluation reads.
// Scores are written with at most kExposureScoreDecimals decimals.
inline constexpr int kExposureScoreDecimals = 6;
std::string ExposureResponseJson(const Served& served);

class RecommendService {
 public:
  // REQUIRES: `holder` and `history` outlive the service; `sink` may be null (no exposure
  // logging); `history` may be null (no recent-history signals).
  // `live` may be null (no live signal layers: the snapshots alone).
  RecommendService(const StateHolder& holder, ExposureSink* sink, RecommendOptions options,
                   const HistoryIndex* history = nullptr, const LiveRegistry* live = nullptr);

  // Parses the body and, unless validating, ranks it for the tenant. Errors: kPermissionDenied
  // (tenant unknown or inactive), kResourceExhausted with a retry delay (the tenant's rate limit),
  // kInvalidArgument / kUnprocessable (the body, as ParseRecommendRequest says).
  Result<Served> Handle(Endpoint endpoint, std::string_view tenant_external_id,
                        std::string_view body) const;

  // Ranks `request_json` with the tenant's current rules and with `draft_rules_json`; saves and
  // logs nothing, and takes nothing from the tenant's request rate limit (an admin preview must
  // not eat serving quota). Errors: kUnprocessable with reason RECSYS_INVALID_RULES for the
  // draft, else as Handle but never the rate limit's.
  Result<DryRun> DryRunRules(std::string_view tenant_external_id, std::string_view draft_rules_json,
                             std::string_view request_json) const;

  // Ranks a logged request against the tenant's current signals with its current config and
  // rules, and with `draft_config` / `draft_rules` (null: the current one): the plain ranking,
  // without experiment variants, interleaving or exploration (each adds its own randomness,
  // which would show as change); history from the logged user key. Saves and logs nothing and
  // takes nothing from the rate limit. Errors: kPermissionDenied (tenant), kInvalidArgument /
  // kUnprocessable (a logged request that no longer parses), kFailedPrecondition (no signals
  // for its surface).
  Result<RankedPair> RankLoggedTwice(std::string_view tenant_external_id,
                                     const LoggedRanking& logged, const TenantConfig* draft_config,
                                     const std::vector<Rule>* draft_rules) const;

  // Records what was served: the exposure row's `response` is ExposureResponseJson(served), its
  // `meta` the response's meta. User ids are hashed here.
  void RecordExposure(const Served& served, const std::string& request_id,
                      std::string_view meta_json) const;

  // The keyed hash of a user identifier (raw bytes).
  std::string UserKey(std::string_view user_id) const;

  // The request's user's recent history within the tenant's window, most recent first: by
  // user_id, else anonymous_id, else session_id. Empty without a history index.
  std::vector<HistoryItem> RecentHistory(const TenantState& tenant, const RecommendRequest& request,
                                         TimestampUs now) const;
  // The same for a user given by its keyed hash `user_key` (raw bytes; may be empty), else by
  // `session_id`.
  std::vector<HistoryItem> RecentHistoryOf(const TenantState& tenant, std::string_view user_key,
                                           std::string_view session_id, TimestampUs now) const;

 private:
  // Sets served.state and served.tenant; kPermissionDenied when the tenant is not servable.
  Status FindTenant(std::string_view tenant_external_id, Served& served) const;
  // Takes one request from the tenant's rate limit; kResourceExhausted with a retry delay when
  // it is spent.
  Status TakeRateToken(const TenantState& tenant) const;
  // Handle after the rate limit: parses `body` into served.request and, unless validating,
  // ranks. REQUIRES: FindTenant succeeded on `served`.
  Status ParseAndRank(Endpoint endpoint, std::string_view body, Served& served) const;
  // Sets served.snapshot (and the live layer) for the request's surface, else the default
  // namespace's (with a FALLBACK_NAMESPACE warning).
  void ChooseSignals(const TenantState& tenant, Served& served) const;
  static const std::vector<bool>* Unavailable(const TenantState& tenant, const Served& served);
  // served.request ranked (plainly: Recommend) with `config` and `rules` against served's
  // signals. REQUIRES: served.snapshot != nullptr.
  static RankResult RankWith(const Served& served, const TenantConfig& config,
                             const std::vector<Rule>& rules, std::span<const HistoryItem> history,
                             TimestampUs now);

  const StateHolder& holder_;
  ExposureSink* sink_;
  RecommendOptions options_;
  mutable RateLimiter limiter_;
  const HistoryIndex* history_;
  const LiveRegistry* live_;
};

}  // namespace recsys::service
