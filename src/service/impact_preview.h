// The impact preview (api.md POST .../preview, issue 25): what a draft config and/or rules would
// change on the requests a tenant really served. The logged requests (exposure_events) are ranked
// again through the serving code against the current signal snapshots, once with the current
// config and rules and once with the draft, and compared (core/impact_metrics.h). Nothing is
// saved. This header holds the use case's types and ports: the parsed request, the port that
// reads the sample (store implements it), the report, and the previewer interface (eval
// implements it; the HTTP route and the CLI call it). Pure declarations and parsing; thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/impact_metrics.h"
#include "core/request.h"
#include "core/rules.h"
#include "core/status.h"
#include "core/tenant_config.h"
#include "core/time.h"
#include "service/admin_repository.h"

namespace recsys::service {

inline constexpr int64_t kPreviewDefaultLast = 5000;
// A larger `last` is capped to this (with a SAMPLE_CAPPED warning), and so is a time range.
inline constexpr int64_t kPreviewMaxLast = 20000;

// The persistence of the report's rank-biased overlap (core/impact_metrics.h): depth d weighs
// 0.9^(d-1), so the top 10 carry about two thirds of the weight of a long list.
inline constexpr double kPreviewRboPersistence = 0.9;

// Which logged requests to replay: the newest `last`, within [from, to) when given, of `surface`
// when not empty.
struct PreviewSample {
  int64_t last = kPreviewDefaultLast;
  std::optional<TimestampUs> from, to;
  std::string surface;
};

struct PreviewRequest {
  // The drafts; absent: the current one is used on both sides.
  std::optional<std::string> config_json, rules_json;
  std::optional<TenantConfig> config;
  std::optional<std::vector<Rule>> rules;
  PreviewSample sample;
  int64_t requested_last = kPreviewDefaultLast;  // as asked, before the cap
};

// Parses {config?, rules?, sample?: {last?, from?, to?, surface?}}. Errors: kInvalidArgument
// (not a JSON object, a wrong type), kUnprocessable naming the field: with reason
// RECSYS_INVALID_CONFIG ("config.ranking.mmr_lambda: ...") or RECSYS_INVALID_RULES
// ("rules[1].boost_value: ...") for a draft that does not validate, else for the sample
// (last < 1, a bad time, from not before to, a bad surface). A `last` above kPreviewMaxLast is
// capped, not refused.
Result<PreviewRequest> ParsePreviewRequest(std::string_view body);

// One logged response's request, as its exposure row keeps it.
struct LoggedRequest {
  std::string request_id;
  TimestampUs occurred_at = 0;
  std::string surface;
  std::string request_json;  // the normalized request, without user identifiers (api.md)
  std::string user_key;      // the keyed hash of the user id (raw bytes); empty when none
  std::string session_id;
  std::vector<std::string> served;   // the items served, in rank order
  std::vector<float> propensities;   // per served item while exploring; empty otherwise
  std::vector<std::string> clicked;  // served items clicked (read only when exploring)
};

// Reads a sample of a tenant's logged requests. Implemented by store::PgExposureSample.
class ExposureSampleSource {
 public:
  virtual ~ExposureSampleSource() = default;
  // The logged requests of tenant `tenant_id` (a uuid) that `sample` selects, newest first, at
  // most sample.last of them (REQUIRES: 1 <= sample.last <= kPreviewMaxLast), looking back from
  // `now` when no range is given. Errors: kUnavailable (the database).
  virtual Result<std::vector<LoggedRequest>> Read(const std::string& tenant_id,
                                                  const PreviewSample& sample, TimestampUs now) = 0;
};

// When a preview must stop: at `deadline`, or when `cancelled` (may be null) turns true.
struct PreviewBudget {
  std::chrono::steady_clock::time_point deadline;
  const std::atomic<bool>* cancelled = nullptr;
  bool Spent() const {
    return std::chrono::steady_clock::now() >= deadline ||
           (cancelled != nullptr && cancelled->load(std::memory_order_relaxed));
  }
};

// The off-policy estimate of the draft's clicks per response (eval/off_policy.h), over the
// replayed responses that were logged while exploring.
struct PreviewOffPolicy {
  int64_t responses = 0;
  double logged_clicks = 0;  // clicks per response as served
  double estimate = 0;       // IPS estimate for the draft
  double low = 0, high = 0;  // its 95 % interval
  double snips = 0;          // the self-normalized estimate
  double effective_sample_size = 0;
  bool enough_support = false;  // effective_sample_size >= eval::kMinEffectiveSampleSize
};

struct ImpactReport {
  std::string tenant_id;                      // external id
  std::string config_version, rules_version;  // the current ETags the draft is compared with
  bool draft_config = false, draft_rules = false;
  PreviewSample sample;  // as run (last capped)
  int64_t requested_last = 0;
  bool capped = false;       // the sample was cut to kPreviewMaxLast
  bool complete = true;      // false: the deadline stopped the replay; figures cover `replayed`
  int64_t logged = 0;        // logged requests read
  int64_t replayed = 0;      // ranked both ways
  int64_t not_replayed = 0;  // no longer parsable, or their surface has no signals
  double seconds = 0;
  ImpactSummary summary;
  std::optional<PreviewOffPolicy> off_policy;  // when some replayed responses were exploring
  std::vector<Warning> warnings;  // SAMPLE_CAPPED, NO_LOGGED_REQUESTS, DEADLINE_REACHED, ...
};

// Runs previews. Implemented by eval::ReplayPreviewer.
class ImpactPreviewer {
 public:
  virtual ~ImpactPreviewer() = default;
  // Replays `request`'s sample of `tenant`'s logged requests and compares. Stops early when
  // `budget` is spent (the report says so). An empty sample is an empty report, not an error.
  // Errors: kUnavailable (the database), kPermissionDenied (the tenant is not being served).
  virtual Result<ImpactReport> Preview(const TenantRef& tenant, const PreviewRequest& request,
                                       const PreviewBudget& budget) const = 0;
};

}  // namespace recsys::service
