#include "store/eval_source.h"

#include <unordered_map>

#include "core/parse_number.h"
#include "core/string_hash.h"
#include "store/copy_stream.h"

namespace recsys::store {
namespace {

constexpr int64_t kDayUs = 86400LL * 1000000;

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
  const std::string tenant = QuoteLiteral(conn, tenant_id);
  const std::string window = " AND occurred_at >= " + At(from) + " AND occurred_at < " + At(to);
  const std::string exposures_of_experiment =
      "SELECT request_id FROM exposure_events WHERE tenant_id = " + tenant +
      " AND experiment_id = " + QuoteLiteral(conn, experiment_id) + window;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> by_request, users;
  RETURN_IF_ERROR(InTenantReadTransaction(conn, tenant_id, [&](PgConnection& c) {
    RETURN_IF_ERROR(StreamCopyOut(
        c,
        "COPY (SELECT request_id, coalesce(experiment_variant, ''), "
        "coalesce(encode(user_key, 'hex'), 'r:' || request_id::text), "
        "coalesce(jsonb_array_length(response->'items'), 0) = 0, "
        "NOT coalesce(meta ? 'counts', false), "
        "coalesce((meta->'timings_us'->>'total')::bigint, -1) FROM exposure_events "
        "WHERE tenant_id = " +
            tenant + " AND experiment_id = " + QuoteLiteral(conn, experiment_id) + window +
            ") TO STDOUT",
        [&](const CopyRow& row) {
          eval::ExposureOutcome e;
          e.variant = VariantIndex(data, row.fields[1]);
          auto user = users.find(row.fields[2]);
          if (user == users.end()) {
            user = users.emplace(std::string(row.fields[2]), static_cast<uint32_t>(users.size()))
                       .first;
          }
          e.user = user->second;
          e.empty = row.fields[3] == "t";
          e.degraded = row.fields[4] == "t";
          e.latency_us = ToInt(row.fields[5]);
          by_request.emplace(std::string(row.fields[0]),
                             static_cast<uint32_t>(data.exposures.size()));
          data.exposures.push_back(e);
        }));
    RETURN_IF_ERROR(StreamCopyOut(
        c,
        "COPY (SELECT request_id, bool_or(event_type = 'click'), "
        "bool_or(event_type = 'add_to_cart'), bool_or(event_type = 'purchase'), "
        "coalesce(sum(value) FILTER (WHERE event_type = 'purchase'), 0) FROM interaction_events "
        "WHERE tenant_id = " +
            tenant + " AND occurred_at >= " + At(from) + " AND occurred_at < " + At(to + kDayUs) +
            " AND request_id IN (" + exposures_of_experiment + ") GROUP BY request_id) TO STDOUT",
        [&](const CopyRow& row) {
          auto it = by_request.find(row.fields[0]);
          if (it == by_request.end()) return;
          eval::ExposureOutcome& e = data.exposures[it->second];
          e.clicked = row.fields[1] == "t";
          e.added_to_cart = row.fields[2] == "t";
          e.purchased = row.fields[3] == "t";
          e.revenue = ParseFiniteDouble(row.fields[4]).value_or(0);
        }));
    auto join = c.Query(
        "SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM exposure_events x "
        "WHERE x.tenant_id = i.tenant_id AND x.request_id = i.request_id)) "
        "FROM interaction_events i WHERE i.tenant_id = " +
        tenant + " AND i.request_id IS NOT NULL" + window);
    if (!join.ok()) return join.status();
    data.interactions_with_request = ToInt(join.value().Get(0, 0));
    data.interactions_joined = ToInt(join.value().Get(0, 1));
    return Status::Ok();
  }));
  data.control = 0;
  for (size_t i = 0; i < data.variants.size(); ++i) {
    if (data.variants[i] == "control") data.control = static_cast<uint32_t>(i);
  }
  return data;
}

}  // namespace recsys::store
