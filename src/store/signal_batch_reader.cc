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

// Routes a batch's rows to its tenants. A batch of several selects tenant_id first and the row
// goes to the tenant whose uuid bytes it carries (rows come grouped by tenant, so the previous
// row's is tried first); a batch of one selects no tenant column (for a large tenant that column
// cost PostgreSQL a tenth of its time) and every row is the tenant's.
class RowRouter {
 public:
  explicit RowRouter(std::span<TenantState* const> batch) : single_(batch.size() == 1) {
    for (size_t i = 0; i < batch.size() && !single_; ++i) {
      std::string field;
      if (PutUuidField(&field, batch[i]->id)) index_.emplace(field.substr(4), i);
    }
  }
  // The SELECT list's first columns before the table's own.
  const char* lead_columns() const { return single_ ? "" : "tenant_id, "; }
  // The batch index of `row`'s tenant, or -1 when it is not the batch's; *fields then points at
  // the row's fields after the tenant column.
  ptrdiff_t Route(const CopyRow& row, const std::string_view** fields) {
    if (single_) {
      *fields = row.fields.data();
      return 0;
    }
    *fields = row.fields.data() + 1;
    const std::string_view id = row.fields[0];
    if (last_ >= 0 && id == last_id_) return last_;
    auto it = index_.find(std::string(id));
    if (it == index_.end()) return -1;
    last_ = static_cast<ptrdiff_t>(it->second);
    last_id_ = it->first;
    return last_;
  }

 private:
  bool single_;
  std::unordered_map<std::string, size_t> index_;
  ptrdiff_t last_ = -1;
  std::string_view last_id_;
};

// The SQL condition selecting the batch's tenants.
std::string TenantCondition(PgConnection& conn, std::span<TenantState* const> batch) {
  if (batch.size() == 1) return "tenant_id = " + QuoteLiteral(conn, batch[0]->id) + "::uuid";
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

  RowRouter router(batch);
  // "COPY (SELECT <tenant column><columns> FROM <table> WHERE <tenants><days>)", binary.
  auto copy = [&](std::string_view columns, std::string_view table, const std::string& days) {
    return "COPY (SELECT " + std::string(router.lead_columns()) + std::string(columns) + " FROM " +
           std::string(table) + " WHERE " + tenants + days + ") TO STDOUT WITH (FORMAT binary)";
  };

  // Co-visitation is the largest table: its COPY runs on the second connection meanwhile, into
  // batches with their own ids, merged below.
  std::vector<ByNamespace<CovisitBatch>> covisit;
  covisit.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) covisit.emplace_back([] { return CovisitBatch(); });
  Status covisit_status;
  std::thread covisit_thread([&] {
    RowRouter covisit_router(batch);
    covisit_status = InBatchTransaction(side, batch, [&](PgConnection& c) {
      return StreamCopyOut(
          c, copy("namespace, item_id, neighbor_id, score", "item_covisit_daily", covisit_days),
          [&](const CopyRow& row) {
            const std::string_view* f;
            const ptrdiff_t t = covisit_router.Route(row, &f);
            if (t >= 0) covisit[t][f[0]].Add(f[1], f[2], Score(f[3]));
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
  const std::string popularity_days =
      " AND day >= " + Day(PopularityFrom(first, options.today)) + through;
  Status status = InBatchTransaction(conn, batch, [&](PgConnection& c) {
    RETURN_IF_ERROR(StreamCopyOut(
        c, copy("namespace, item_id, tags", "item_tags", ""), [&](const CopyRow& row) {
          const std::string_view* f;
          const ptrdiff_t t = router.Route(row, &f);
          if (t < 0) return;
          SnapshotBuilder& b = builders[t][f[0]];
          b.AddTag(f[1], "");  // in the catalog, with tags or without
          ForEachBinaryArrayElement(f[2], [&](std::string_view tag) { b.AddTag(f[1], tag); });
        }));
    RETURN_IF_ERROR(StreamCopyOut(
        c, copy("namespace, item_id, day, score", "item_popularity_daily", popularity_days),
        [&](const CopyRow& row) {
          const std::string_view* f;
          const ptrdiff_t t = router.Route(row, &f);
          if (t >= 0) builders[t][f[0]].AddPopularity(f[1], UnixDay(f[2]), Score(f[3]));
        }));
    return StreamCopyOut(
        c, copy("namespace, item_id, neighbor_id, score", "item_sequence_daily", covisit_days),
        [&](const CopyRow& row) {
          const std::string_view* f;
          const ptrdiff_t t = router.Route(row, &f);
          if (t >= 0) builders[t][f[0]].AddSequence(f[1], f[2], Score(f[3]));
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
