#include "store/signal_batch_reader.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "core/snapshot.h"
#include "obs/log.h"
#include "store/binary_copy.h"
#include "store/copy_stream.h"

namespace recsys::store {
namespace {

using service::TenantState;

// Scores arrive as numeric_send's bytes; one that is not a finite number still loads, as 0.
double Score(std::string_view numeric) { return ReadNumericField(numeric).value_or(0); }
// Days arrive as date_send's days since 2000-01-01.
int32_t UnixDay(std::string_view date) {
  return static_cast<int32_t>(ReadBigEndian(date)) + kPostgresEpochDay;
}

// Per-namespace values, made on first use. Rows come grouped by namespace and nearly all are in
// one, so the last namespace's entry is kept at hand: a map lookup per row cost ~5 % of a load.
template <typename T>
class ByNamespace {
 public:
  explicit ByNamespace(std::function<T()> make) : make_(std::move(make)) {}

  T& operator[](std::string_view ns) {
    if (last_ != nullptr && last_->first == ns) return last_->second;
    auto it = values_.find(ns);
    if (it == values_.end()) it = values_.emplace(std::string(ns), make_()).first;
    last_ = &*it;
    return it->second;
  }
  std::map<std::string, T, std::less<>>& values() { return values_; }
  void Clear() {
    values_.clear();
    last_ = nullptr;
  }

 private:
  std::function<T()> make_;
  std::map<std::string, T, std::less<>> values_;
  std::pair<const std::string, T>* last_ = nullptr;
};

// The first day of a tenant's popularity and co-visitation rows.
int32_t PopularityFrom(const TenantState& tenant, int32_t today) {
  return today - PopularityHorizonDays(tenant.config.ranking.half_life_days);
}
int32_t CovisitFrom(const TenantState& tenant, int32_t today) {
  return today - tenant.config.ranking.covisit_window_days + 1;
}

// A batch's tenants by the 16 bytes of their uuid, as rows carry it. Rows come grouped by
// tenant, so the previous row's is tried first.
class TenantLookup {
 public:
  explicit TenantLookup(std::span<TenantState* const> batch) {
    for (size_t i = 0; i < batch.size(); ++i) {
      std::string field;
      if (PutUuidField(&field, batch[i]->id)) index_.emplace(field.substr(4), i);
    }
  }
  // The batch index of the tenant whose uuid bytes are `id`, or -1 when it is not the batch's.
  ptrdiff_t Find(std::string_view id) {
    if (last_ >= 0 && id == last_id_) return last_;
    auto it = index_.find(std::string(id));
    if (it == index_.end()) return -1;
    last_ = static_cast<ptrdiff_t>(it->second);
    last_id_ = it->first;
    return last_;
  }

 private:
  std::unordered_map<std::string, size_t> index_;
  ptrdiff_t last_ = -1;
  std::string_view last_id_;
};

// The SQL condition selecting the batch's tenants.
std::string TenantCondition(PgConnection& conn, std::span<TenantState* const> batch) {
  std::string ids;
  for (const TenantState* tenant : batch) {
    if (!ids.empty()) ids += ',';
    ids += tenant->id;
  }
  return "tenant_id = ANY (" + QuoteLiteral(conn, "{" + ids + "}") + "::uuid[])";
}

// Runs `body` in a read-only transaction: as the serving role scoped to the tenant when the batch
// has one, else as the connecting role (see the header).
Status InBatchTransaction(PgConnection& conn, std::span<TenantState* const> batch,
                          const std::function<Status(PgConnection&)>& body) {
  if (batch.size() == 1) return InTenantReadTransaction(conn, batch[0]->id, body);
  RETURN_IF_ERROR(conn.Exec("BEGIN READ ONLY"));
  Status s = body(conn);
  const Status end = conn.Exec(s.ok() ? "COMMIT" : "ROLLBACK");
  return s.ok() ? end : s;
}

std::string Day(int32_t unix_day) { return "DATE '1970-01-01' + " + std::to_string(unix_day); }

}  // namespace

std::vector<std::vector<TenantState*>> SplitIntoSignalBatches(std::span<TenantState* const> tenants,
                                                              int32_t today, size_t max_tenants) {
  std::map<std::pair<int32_t, int32_t>, std::vector<TenantState*>> by_range;
  std::vector<std::vector<TenantState*>> batches;
  for (TenantState* tenant : tenants) {
    auto& open = by_range[{PopularityFrom(*tenant, today), CovisitFrom(*tenant, today)}];
    open.push_back(tenant);
    if (open.size() == std::max<size_t>(max_tenants, 1))
      batches.push_back(std::move(open)), open = {};
  }
  for (auto& [range, open] : by_range) {
    if (!open.empty()) batches.push_back(std::move(open));
  }
  return batches;
}

Status ReadSignalBatch(PgConnection& conn, PgConnection& side, std::span<TenantState* const> batch,
                       const SignalReadOptions& options) {
  if (batch.empty()) return Status::Ok();
  const TenantState& first = *batch.front();
  const std::string tenants = TenantCondition(conn, batch);
  const std::string through = " AND day <= " + Day(options.through_day);
  const std::string covisit_days =
      " AND day >= " + Day(CovisitFrom(first, options.today)) + through;

  // Co-visitation is the largest table: its COPY runs on the second connection meanwhile, into
  // batches with their own ids, merged below.
  std::vector<ByNamespace<CovisitBatch>> covisit;
  covisit.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) covisit.emplace_back([] { return CovisitBatch(); });
  Status covisit_status;
  std::thread covisit_thread([&] {
    TenantLookup lookup(batch);
    covisit_status = InBatchTransaction(side, batch, [&](PgConnection& c) {
      return StreamCopyOut(c,
                           "COPY (SELECT tenant_id, namespace, item_id, neighbor_id, score "
                           "FROM item_covisit_daily WHERE " +
                               tenants + covisit_days + ") TO STDOUT WITH (FORMAT binary)",
                           [&](const CopyRow& row) {
                             const ptrdiff_t t = lookup.Find(row.fields[0]);
                             if (t < 0) return;
                             covisit[t][row.fields[1]].Add(row.fields[2], row.fields[3],
                                                           Score(row.fields[4]));
                           });
    });
  });

  std::vector<ByNamespace<SnapshotBuilder>> builders;
  builders.reserve(batch.size());
  for (const TenantState* tenant : batch) {
    builders.emplace_back([&options, half_life = tenant->config.ranking.half_life_days] {
      SnapshotBuilder b(options.today, half_life);
      b.SetThroughDay(options.through_day);
      b.SetMaxItems(options.max_items);
      return b;
    });
  }
  TenantLookup lookup(batch);
  Status status = InBatchTransaction(conn, batch, [&](PgConnection& c) {
    RETURN_IF_ERROR(StreamCopyOut(
        c,
        "COPY (SELECT tenant_id, namespace, item_id, tags FROM item_tags WHERE " + tenants +
            ") TO STDOUT WITH (FORMAT binary)",
        [&](const CopyRow& row) {
          const ptrdiff_t t = lookup.Find(row.fields[0]);
          if (t < 0) return;
          SnapshotBuilder& b = builders[t][row.fields[1]];
          b.AddTag(row.fields[2], "");  // in the catalog, with tags or without
          ForEachBinaryArrayElement(row.fields[3],
                                    [&](std::string_view tag) { b.AddTag(row.fields[2], tag); });
        }));
    RETURN_IF_ERROR(
        StreamCopyOut(c,
                      "COPY (SELECT tenant_id, namespace, item_id, day, score "
                      "FROM item_popularity_daily WHERE " +
                          tenants + " AND day >= " + Day(PopularityFrom(first, options.today)) +
                          through + ") TO STDOUT WITH (FORMAT binary)",
                      [&](const CopyRow& row) {
                        const ptrdiff_t t = lookup.Find(row.fields[0]);
                        if (t >= 0) {
                          builders[t][row.fields[1]].AddPopularity(
                              row.fields[2], UnixDay(row.fields[3]), Score(row.fields[4]));
                        }
                      }));
    return StreamCopyOut(c,
                         "COPY (SELECT tenant_id, namespace, item_id, neighbor_id, score "
                         "FROM item_sequence_daily WHERE " +
                             tenants + covisit_days + ") TO STDOUT WITH (FORMAT binary)",
                         [&](const CopyRow& row) {
                           const ptrdiff_t t = lookup.Find(row.fields[0]);
                           if (t >= 0) {
                             builders[t][row.fields[1]].AddSequence(row.fields[2], row.fields[3],
                                                                    Score(row.fields[4]));
                           }
                         });
  });
  covisit_thread.join();
  RETURN_IF_ERROR(status);
  RETURN_IF_ERROR(covisit_status);
  for (size_t t = 0; t < batch.size(); ++t) {
    TenantState& tenant = *batch[t];
    for (auto& [ns, rows] : covisit[t].values()) builders[t][ns].AddCovisitBatch(rows);
    covisit[t].Clear();  // merged: freed before the snapshots are built
    for (auto& [ns, b] : builders[t].values()) {
      tenant.snapshots[ns] = b.Build();
      if (b.dropped_items() > 0) {
        obs::Log(obs::Level::kWarn, "snapshot over its item limit: least popular items dropped")
            .Str("tenant", tenant.external_id)
            .Str("namespace", ns)
            .Int("kept", static_cast<int64_t>(tenant.snapshots[ns]->item_count()))
            .Int("dropped", static_cast<int64_t>(b.dropped_items()))
            .Str("setting", "RECSYS_SIGNAL_MAX_ITEMS");
      }
    }
    builders[t].Clear();
  }
  return Status::Ok();
}

}  // namespace recsys::store
