#include "store/eval_source.h"

#include <rapidjson/document.h>

#include <functional>
#include <unordered_map>

#include "core/parse_number.h"
#include "core/string_hash.h"
#include "service/experiments.h"
#include "store/copy_stream.h"

namespace recsys::store {
namespace {

int64_t ToInt(std::string_view s) { return ParseInt64(s).value_or(0); }

// A timestamp literal for SQL text: microseconds since the epoch.
std::string At(TimestampUs t) {
  return "to_timestamp(" + std::to_string(t) + "::double precision / 1000000)";
}

// The configured variants of `experiment_id` (names and weights) and the control's index.
void ConfiguredVariants(const TenantConfig& config, const std::string& experiment_id,
                        eval::ExperimentData& data) {
  for (const Experiment& e : *config.experiments) {
    if (e.id != experiment_id) continue;
    for (const ExperimentVariant& v : e.variants) {
      data.variants.push_back(v.name);
      data.weights.push_back(v.weight);
    }
  }
}

uint32_t VariantIndex(eval::ExperimentData& data, std::string_view name) {
  for (size_t i = 0; i < data.variants.size(); ++i) {
    if (data.variants[i] == name) return static_cast<uint32_t>(i);
  }
  data.variants.emplace_back(name);
  if (!data.weights.empty()) data.weights.push_back(0);  // seen, but no longer configured
  return static_cast<uint32_t>(data.variants.size() - 1);
}

// The items of a logged response with a companion array of the same length (teams,
// propensities), as `json_build_array(response->'items', response->'<companion>')::text` gives
// them: calls `each(item, value)` per item in order. False, having stopped, when the text is not
// two such arrays or `each` refuses a value: a row this service did not write.
template <typename Each>
bool ForEachLoggedItem(std::string_view json, Each&& each) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsArray() || doc.Size() != 2 || !doc[0].IsArray() ||
      !doc[1].IsArray() || doc[0].Size() != doc[1].Size()) {
    return false;
  }
  for (rapidjson::SizeType i = 0; i < doc[0].Size(); ++i) {
    if (!doc[0][i].IsString()) return false;
    if (!each(std::string_view(doc[0][i].GetString(), doc[0][i].GetStringLength()), doc[1][i])) {
      return false;
    }
  }
  return true;
}

// Streams (request_id, item_id) once per item the tenant's users clicked, among the interactions
// that `conditions` (SQL: " AND ..." on occurred_at and request_id) select.
Status StreamClickedItems(
    PgConnection& conn, const std::string& tenant, const std::string& conditions,
    const std::function<void(std::string_view request_id, std::string_view item)>& on_click) {
  return StreamCopyOut(conn,
                       "COPY (SELECT DISTINCT request_id, item_id FROM interaction_events WHERE "
                       "tenant_id = " +
                           tenant + " AND event_type = 'click'" + conditions + ") TO STDOUT",
                       [&](const CopyRow& row) { on_click(row.fields[0], row.fields[1]); });
}

// Reads one experiment's rows into ExperimentData: split-variant exposures with their outcomes,
// interleaved ones with the clicks on each team's items, and the window's join rate.
class ExperimentReader {
 public:
  ExperimentReader(PgConnection& conn, const std::string& tenant_id,
                   const std::string& experiment_id, TimestampUs from, TimestampUs to,
                   eval::ExperimentData& data)
      : tenant_(QuoteLiteral(conn, tenant_id)),
        window_(" AND occurred_at >= " + At(from) + " AND occurred_at < " + At(to)),
        outcome_window_(" AND occurred_at >= " + At(from) + " AND occurred_at < " +
                        At(to + kMicrosPerDay)),
        of_experiment_(" AND experiment_id = " + QuoteLiteral(conn, experiment_id)),
        data_(data) {}

  Status ReadExposures(PgConnection& conn) {
    return StreamCopyOut(
        conn,
        "COPY (SELECT request_id, coalesce(experiment_variant, ''), "
        "coalesce(encode(user_key, 'hex'), 'r:' || request_id::text), "
        "coalesce(json_array_length(response->'items'), 0) = 0, "
        "meta->'counts' IS NULL, "
        "coalesce((meta->'timings_us'->>'total')::bigint, -1), "
        "CASE WHEN experiment_variant = " +
            QuoteLiteral(conn, service::kInterleavedVariant) +
            " THEN json_build_array(response->'items', response->'teams')::text END "
            "FROM exposure_events WHERE tenant_id = " +
            tenant_ + of_experiment_ + window_ + ") TO STDOUT",
        [&](const CopyRow& row) {
          const uint32_t user = UserIndex(row.fields[2]);
          if (!row.is_null[6]) {
            AddInterleaved(row.fields[0], user, row.fields[6]);
            return;
          }
          eval::ExposureOutcome e;
          e.variant = VariantIndex(data_, row.fields[1]);
          e.user = user;
          e.empty = row.fields[3] == "t";
          e.degraded = row.fields[4] == "t";
          e.latency_us = ToInt(row.fields[5]);
          by_request_.emplace(std::string(row.fields[0]),
                              static_cast<uint32_t>(data_.exposures.size()));
          data_.exposures.push_back(e);
        });
  }

  // What users did after each exposure: any click, cart or purchase and the purchases' value
  // for split variants; the clicked items for interleaved responses.
  Status ReadOutcomes(PgConnection& conn) {
    const std::string of_exposures =
        " AND request_id IN (SELECT request_id FROM exposure_events "
        "WHERE tenant_id = " +
        tenant_ + of_experiment_ + window_ + ")";
    RETURN_IF_ERROR(StreamCopyOut(
        conn,
        "COPY (SELECT request_id, bool_or(event_type = 'click'), "
        "bool_or(event_type = 'add_to_cart'), bool_or(event_type = 'purchase'), "
        "coalesce(sum(value) FILTER (WHERE event_type = 'purchase'), 0) FROM interaction_events "
        "WHERE tenant_id = " +
            tenant_ + outcome_window_ + of_exposures + " GROUP BY request_id) TO STDOUT",
        [&](const CopyRow& row) {
          auto it = by_request_.find(row.fields[0]);
          if (it == by_request_.end()) return;
          eval::ExposureOutcome& e = data_.exposures[it->second];
          e.clicked = row.fields[1] == "t";
          e.added_to_cart = row.fields[2] == "t";
          e.purchased = row.fields[3] == "t";
          e.revenue = ParseFiniteDouble(row.fields[4]).value_or(0);
        }));
    if (interleaved_.empty()) return Status::Ok();
    return StreamClickedItems(conn, tenant_, outcome_window_ + of_exposures,
                              [&](std::string_view request_id, std::string_view item) {
                                auto it = interleaved_by_request_.find(request_id);
                                if (it != interleaved_by_request_.end()) {
                                  interleaved_[it->second].clicked.emplace_back(item);
                                }
                              });
  }

  Status ReadJoinRate(PgConnection& conn) {
    auto join = conn.Query(
        "SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM exposure_events x "
        "WHERE x.tenant_id = i.tenant_id AND x.request_id = i.request_id)) "
        "FROM interaction_events i WHERE i.tenant_id = " +
        tenant_ + " AND i.request_id IS NOT NULL" + window_);
    if (!join.ok()) return join.status();
    data_.interactions_with_request = ToInt(join.value().Get(0, 0));
    data_.interactions_joined = ToInt(join.value().Get(0, 1));
    return Status::Ok();
  }

  // Turns each interleaved response's clicked items into clicks per team.
  void CreditInterleavedClicks() {
    for (const Interleaved& response : interleaved_) {
      eval::InterleavedOutcome outcome;
      outcome.user = response.user;
      for (const std::string& item : response.clicked) {
        for (size_t i = 0; i < response.items.size(); ++i) {
          if (response.items[i] == item) ++outcome.clicks[response.teams[i]];
        }
      }
      data_.interleaved.push_back(outcome);
    }
  }

 private:
  struct Interleaved {
    uint32_t user;
    std::vector<std::string> items, clicked;
    std::vector<uint8_t> teams;  // per item, 0 or 1
  };

  uint32_t UserIndex(std::string_view key) {
    auto it = users_.find(key);
    if (it == users_.end()) {
      it = users_.emplace(std::string(key), static_cast<uint32_t>(users_.size())).first;
    }
    return it->second;
  }

  // Team 0 or 1 of variant `name`: the configured order when the experiment is configured,
  // else the order names are first seen in.
  uint8_t TeamIndex(std::string_view name) {
    for (uint8_t t : {0, 1}) {
      if (data_.teams[t].empty()) data_.teams[t] = std::string(name);
      if (data_.teams[t] == name) return t;
    }
    return 0;  // a third name: not an interleaving of two
  }

  // `json`: [[item ids], [team names]] as the exposure row stores them.
  void AddInterleaved(std::string_view request_id, uint32_t user, std::string_view json) {
    if (interleaved_.empty() && data_.variants.size() == 2) {
      data_.teams[0] = data_.variants[0];
      data_.teams[1] = data_.variants[1];
    }
    Interleaved response{user, {}, {}, {}};
    const bool ours =
        ForEachLoggedItem(json, [&](std::string_view item, const rapidjson::Value& team) {
          if (!team.IsString()) return false;
          response.items.emplace_back(item);
          response.teams.push_back(TeamIndex({team.GetString(), team.GetStringLength()}));
          return true;
        });
    if (!ours) return;
    interleaved_by_request_.emplace(std::string(request_id),
                                    static_cast<uint32_t>(interleaved_.size()));
    interleaved_.push_back(std::move(response));
  }

  const std::string tenant_, window_, outcome_window_, of_experiment_;
  eval::ExperimentData& data_;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> by_request_, users_,
      interleaved_by_request_;
  std::vector<Interleaved> interleaved_;
};

}  // namespace

Result<eval::EventLog> ReadEventLog(PgConnection& conn, const std::string& tenant_id,
                                    TimestampUs until) {
  eval::EventLog log;
  const std::string tenant = QuoteLiteral(conn, tenant_id);
  RETURN_IF_ERROR(InTenantReadTransaction(conn, tenant_id, [&](PgConnection& c) {
    RETURN_IF_ERROR(StreamCopyOut(
        c,
        "COPY (SELECT coalesce(surface, 'default'), encode(user_key, 'hex'), "
        "coalesce(session_id, ''), item_id, event_type, "
        "(extract(epoch FROM occurred_at) * 1000000)::bigint, id FROM interaction_events "
        "WHERE tenant_id = " +
            tenant + " AND occurred_at < " + At(until) + ") TO STDOUT",
        [&](const CopyRow& row) {
          auto type = ParseEventType(row.fields[4]);
          if (!type) return;
          log.AddEvent(row.fields[0], row.is_null[1] ? std::string_view() : row.fields[1],
                       row.fields[2], row.fields[3], *type, ToInt(row.fields[5]),
                       ToInt(row.fields[6]));
        }));
    return StreamCopyOut(
        c,
        "COPY (SELECT namespace, item_id, t FROM item_tags LEFT JOIN LATERAL unnest(tags) t ON "
        "true WHERE tenant_id = " +
            tenant + ") TO STDOUT",
        [&](const CopyRow& row) {
          log.AddTag(row.fields[0], row.fields[1],
                     row.is_null[2] ? std::string_view() : row.fields[2]);
        });
  }));
  log.Seal();
  return log;
}

Result<eval::ExperimentData> ReadExperiment(PgConnection& conn, const std::string& tenant_id,
                                            const std::string& experiment_id, TimestampUs from,
                                            TimestampUs to, const TenantConfig& config) {
  eval::ExperimentData data;
  data.experiment_id = experiment_id;
  ConfiguredVariants(config, experiment_id, data);
  ExperimentReader reader(conn, tenant_id, experiment_id, from, to, data);
  RETURN_IF_ERROR(InTenantReadTransaction(conn, tenant_id, [&](PgConnection& c) {
    RETURN_IF_ERROR(reader.ReadExposures(c));
    RETURN_IF_ERROR(reader.ReadOutcomes(c));
    return reader.ReadJoinRate(c);
  }));
  reader.CreditInterleavedClicks();
  data.control = 0;
  for (size_t i = 0; i < data.variants.size(); ++i) {
    if (data.variants[i] == "control") data.control = static_cast<uint32_t>(i);
  }
  return data;
}

Result<std::vector<LoggedResponse>> ReadLoggedResponses(PgConnection& conn,
                                                        const std::string& tenant_id,
                                                        TimestampUs from, TimestampUs to) {
  std::vector<LoggedResponse> responses;
  std::unordered_map<std::string, size_t, StringHash, std::equal_to<>> by_request;
  const std::string tenant = QuoteLiteral(conn, tenant_id);
  const std::string logged =
      "FROM exposure_events WHERE tenant_id = " + tenant +
      " AND response->'propensities' IS NOT NULL AND occurred_at >= " + At(from) +
      " AND occurred_at < " + At(to);
  RETURN_IF_ERROR(InTenantReadTransaction(conn, tenant_id, [&](PgConnection& c) {
    RETURN_IF_ERROR(StreamCopyOut(
        c,
        "COPY (SELECT request_id, surface, coalesce(encode(user_key, 'hex'), ''), "
        "json_build_array(response->'items', response->'propensities')::text " +
            logged + ") TO STDOUT",
        [&](const CopyRow& row) {
          LoggedResponse response{
              std::string(row.fields[1]), std::string(row.fields[2]), {}, {}, {}};
          const bool ours = ForEachLoggedItem(
              row.fields[3], [&](std::string_view item, const rapidjson::Value& propensity) {
                if (!propensity.IsNumber()) return false;
                response.items.emplace_back(item);
                response.propensities.push_back(static_cast<float>(propensity.GetDouble()));
                return true;
              });
          if (!ours) return;
          by_request.emplace(std::string(row.fields[0]), responses.size());
          responses.push_back(std::move(response));
        }));
    return StreamClickedItems(c, tenant,
                              " AND occurred_at >= " + At(from) + " AND occurred_at < " +
                                  At(to + kMicrosPerDay) +
                                  " AND request_id IN (SELECT request_id " + logged + ")",
                              [&](std::string_view request_id, std::string_view item) {
                                auto it = by_request.find(request_id);
                                if (it != by_request.end()) {
                                  responses[it->second].clicked.emplace_back(item);
                                }
                              });
  }));
  return responses;
}

}  // namespace recsys::store
