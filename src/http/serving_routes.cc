#include "http/serving_routes.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>

#include "core/json_writer.h"
#include "core/request_json.h"
#include "http/problem.h"

namespace recsys::http {
namespace {

using service::Endpoint;
using service::Served;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteWarnings(Writer& w, const std::vector<Warning>& warnings) {
  w.Key("warnings");
  w.StartArray();
  for (const Warning& warning : warnings) {
    w.StartObject();
    w.Key("code");
    json::WriteString(w, warning.code);
    w.Key("detail");
    json::WriteString(w, warning.detail);
    w.EndObject();
  }
  w.EndArray();
}

// The members of meta that describe the ranking: its counts (when it ranked) and timings.
void WriteRankingFigures(Writer& w, const Served& s, int64_t total_us, int64_t write_us,
                         bool ranked) {
  if (ranked) {
    w.Key("counts");
    w.StartObject();
    w.Key("candidates_considered");
    w.Int(s.result.candidates_considered);
    w.Key("filtered");
    w.Int(s.result.filtered);
    w.Key("returned");
    w.Int(static_cast<int>(s.result.items.size()));
    w.EndObject();
  }
  w.Key("timings_us");
  w.StartObject();
  w.Key("total");
  w.Int64(total_us);
  w.Key("parse");
  w.Int64(s.parse_us);
  if (ranked) {
    w.Key("rank");
    w.Int64(s.rank_us);
    w.Key("write");
    w.Int64(write_us);
  }
  w.EndObject();
}

void WriteMeta(Writer& w, const Served& s, const std::string& request_id, int64_t total_us,
               int64_t write_us, bool ranked) {
  w.StartObject();
  w.Key("tenant_id");
  json::WriteString(w, s.tenant->external_id);
  w.Key("surface");
  json::WriteString(w, s.request.surface);
  w.Key("segment");
  json::WriteString(w, s.request.segment);
  w.Key("algo_version");
  w.String(service::kAlgoVersion);
  if (!s.tenant->config_etag.empty()) {
    w.Key("config_version");
    json::WriteString(w, s.tenant->config_etag);
  }
  if (!s.tenant->rules_etag.empty()) {
    w.Key("rules_version");
    json::WriteString(w, s.tenant->rules_etag);
  }
  w.Key("request_id");
  json::WriteString(w, request_id);
  if (!s.request.experiment_id.empty()) {
    w.Key("experiment");
    w.StartObject();
    w.Key("id");
    json::WriteString(w, s.request.experiment_id);
    w.Key("variant");
    json::WriteString(w, s.request.experiment_variant);
    w.EndObject();
  }
  w.Key("timings_ms");
  w.StartObject();
  w.Key("total");
  w.Int64(total_us / 1000);
  w.EndObject();
  WriteRankingFigures(w, s, total_us, write_us, ranked);
  if (ranked && s.request.include_trace) {
    const RankTrace& t = s.result.trace;
    w.Key("trace");
    w.StartObject();
    w.Key("candidates");
    w.StartObject();
    for (auto [key, value] :
         {std::pair{"from_popularity", t.from_popularity},
          std::pair{"from_covisitation", t.from_covisitation},
          std::pair{"from_include", t.from_include}, std::pair{"from_rules", t.from_rules},
          std::pair{"from_history", t.from_history}, std::pair{"from_sequence", t.from_sequence},
          std::pair{"after_filters", t.after_filters}, std::pair{"blocked", t.blocked},
          std::pair{"boosted", t.boosted}, std::pair{"pinned", t.pinned},
          std::pair{"dropped_by_caps", t.dropped_by_caps}}) {
      w.Key(key);
      w.Int(value);
    }
    w.EndObject();
    w.Key("anchors_used");
    w.StartArray();
    for (ItemIndex a : t.anchors_used) json::WriteString(w, s.item_id(a));
    w.EndArray();
    w.Key("anchors_from_history");
    w.Bool(t.anchors_from_history);
    w.Key("rules_evaluated");
    w.StartArray();
    for (const Rule* r : t.rules_evaluated) json::WriteString(w, r->id);
    w.EndArray();
    w.EndObject();
  }
  w.EndObject();
}

void WriteReasons(Writer& w, uint8_t reasons) {
  w.Key("reasons");
  w.StartArray();
  if (reasons & kReasonPopularity) w.String("popularity");
  if (reasons & kReasonCoVisitation) w.String("co_visitation");
  if (reasons & kReasonSimilarity) w.String("similarity");
  if (reasons & kReasonPersonalization) w.String("personalization");
  if (reasons & kReasonSequence) w.String("sequence");
  if (reasons & kReasonPin) w.String("rule.pin");
  if (reasons & kReasonBoost) w.String("rule.boost");
  if (reasons & kReasonExploration) w.String("exploration");
  w.EndArray();
}

void WriteNumbers(Writer& w, std::initializer_list<std::pair<const char*, double>> numbers) {
  w.StartObject();
  for (const auto& [key, value] : numbers) {
    w.Key(key);
    w.Double(value);
  }
  w.EndObject();
}

// The item's normalized signals and rules; with `full`, its raw signals and MMR value too.
void WriteExplain(Writer& w, const RankedItem& item, bool full) {
  w.Key("explain");
  w.StartObject();
  w.Key("signals");
  WriteNumbers(w, {{"pop", item.pop},
                   {"cooc", item.cooc},
                   {"emb", item.sim},
                   {"hist", item.hist},
                   {"seq", item.seq}});
  w.Key("rules");
  w.StartArray();
  for (const Rule* r : item.rules) {
    json::WriteString(w, std::string(r->action == RuleAction::kPin     ? "pin:"
                                     : r->action == RuleAction::kBoost ? "boost:"
                                                                       : "block:") +
                             r->id);
  }
  w.EndArray();
  if (full) {
    w.Key("raw");
    WriteNumbers(w, {{"pop", item.raw_pop}, {"cooc", item.raw_cooc}, {"seq", item.raw_seq}});
    w.Key("mmr");
    w.Double(item.mmr);
  }
  w.EndObject();
}

void WriteItems(Writer& w, const Served& s) {
  const RecommendRequest& q = s.request;
  w.Key("items");
  w.StartArray();
  int rank = 0;
  for (const RankedItem& item : s.result.items) {
    w.StartObject();
    w.Key("item_id");
    json::WriteString(w, s.item_id(item.item));
    w.Key("rank");
    w.Int(++rank);
    w.Key("score");
    w.Double(item.score);
    if (q.include_reasons) WriteReasons(w, item.reasons);
    if (q.explain != ExplainLevel::kNone) WriteExplain(w, item, q.explain == ExplainLevel::kFull);
    if (!s.teams.empty()) {
      w.Key("team");
      json::WriteString(w, s.team_names[s.teams[static_cast<size_t>(rank - 1)]]);
    }
    w.EndObject();
  }
  w.EndArray();
}

HttpResponse Serve(const Authenticator& auth, const service::RecommendService& service,
                   Endpoint endpoint, HttpRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  auto caller = auth.Authenticate(request);
  if (!caller.ok()) return StatusProblem(caller.status(), request);
  auto tenant = ResolveTenant(request, caller.value());
  if (!tenant.ok()) return StatusProblem(tenant.status(), request);
  if (!IsJsonContentType(request.Header("Content-Type"))) {
    return StatusProblem(Status::InvalidArgument("Content-Type must be application/json"), request);
  }

  auto outcome = service.Handle(endpoint, tenant.value(), request.body);
  if (!outcome.ok()) return StatusProblem(outcome.status(), request);
  const Served& served = outcome.value();

  // Sized for a typical response (2-3 KB at k = 30), so that writing it rarely reallocates.
  rapidjson::StringBuffer buffer(nullptr, 4096);
  Writer w(buffer);
  w.StartObject();
  if (endpoint == Endpoint::kValidate) {
    w.Key("normalized_request");
    const std::string normalized = NormalizedRequestJson(served.request);
    w.RawValue(normalized.data(), normalized.size(), rapidjson::kObjectType);
    WriteWarnings(w, served.warnings);
    w.Key("meta");
    const auto total = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
    WriteMeta(w, served, request.request_id, total, 0, /*ranked=*/false);
    w.EndObject();
    return Json(200, std::string(buffer.GetString(), buffer.GetSize()));
  }
  if (served.snapshot != nullptr) {
    WriteItems(w, served);
  } else {
    w.Key("items");
    w.StartArray();
    w.EndArray();
  }
  const auto before_meta = std::chrono::steady_clock::now();
  const auto total =
      std::chrono::duration_cast<std::chrono::microseconds>(before_meta - started).count();
  const int64_t write_us = std::max<int64_t>(0, total - served.parse_us - served.rank_us);
  w.Key("meta");
  WriteMeta(w, served, request.request_id, total, write_us, /*ranked=*/true);
  WriteWarnings(w, served.warnings);
  w.EndObject();
  std::string body(buffer.GetString(), buffer.GetSize());
  // The exposure row's meta holds only what its columns do not (they have the request id,
  // surface, segment, algo version, etags and experiment): the ranking's counts and timings,
  // which the evaluation reads. A trace is the caller's, not logged.
  rapidjson::StringBuffer row_meta(nullptr, 256);
  Writer row_writer(row_meta);
  row_writer.StartObject();
  WriteRankingFigures(row_writer, served, total, write_us, /*ranked=*/true);
  row_writer.EndObject();
  service.RecordExposure(served, request.request_id,
                         std::string_view(row_meta.GetString(), row_meta.GetSize()));
  return Json(200, std::move(body));
}

}  // namespace

void AddServingRoutes(Router& router, const Authenticator& auth,
                      const service::RecommendService& service) {
  router.Add("POST", "/v1/recommend", [&auth, &service](HttpRequest& r) {
    return Serve(auth, service, Endpoint::kRecommend, r);
  });
  router.Add("POST", "/v1/recommend/validate", [&auth, &service](HttpRequest& r) {
    return Serve(auth, service, Endpoint::kValidate, r);
  });
  router.Add("POST", "/v1/similar", [&auth, &service](HttpRequest& r) {
    return Serve(auth, service, Endpoint::kSimilar, r);
  });
}

}  // namespace recsys::http
