#include "store/signal_builder.h"

#include <atomic>
#include <charconv>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/day_signals.h"
#include "core/event.h"
#include "core/parse_number.h"
#include "core/tenant_config.h"
#include "obs/log.h"
#include "store/change_notice.h"
#include "store/copy_stream.h"

namespace recsys::store {
namespace {

constexpr int64_t kBuilderLockKey = 0x7265637362756c64;  // "recsbuld"
constexpr int kWorkers = 2;

// The day's events, as every signal reads them (CREATE TABLE AS takes no parameters: %1 and %2
// are replaced by quoted literals). Sessions (ranking.md): the event's session_id,
// else its user key on that day (the table holds one day). Impressions are shows, not actions:
// they count for popularity only through their weight (0 by default) and never pair items.
constexpr const char* kDayEventsSql = R"sql(
CREATE TEMP TABLE day_events ON COMMIT DROP AS
SELECT coalesce(surface, 'default') AS ns, item_id, event_type, occurred_at, id,
       coalesce('s:' || session_id, 'u:' || encode(user_key, 'hex')) AS session
  FROM interaction_events
 WHERE tenant_id = %1::uuid AND occurred_at >= %2::date::timestamp AT TIME ZONE 'UTC'
   AND occurred_at < (%2::date + 1)::timestamp AT TIME ZONE 'UTC')sql";

// `sql` with each %1 / %2 replaced by `first` / `second`.
std::string Substitute(std::string sql, const std::string& first, const std::string& second) {
  for (auto [marker, value] : {std::pair{"%1", &first}, std::pair{"%2", &second}}) {
    for (size_t at = sql.find(marker); at != std::string::npos; at = sql.find(marker, at)) {
      sql.replace(at, 2, *value);
      at += value->size();
    }
  }
  return sql;
}

// Σ event weights per item; $2 day, $3..$7 the weights of impression, view, click, add_to_cart,
// purchase.
constexpr const char* kPopularitySql = R"sql(
INSERT INTO item_popularity_daily (tenant_id, namespace, item_id, day, score)
SELECT $1, ns, item_id, $2::date, sum(w)
  FROM (SELECT ns, item_id,
               CASE event_type WHEN 'impression' THEN $3::numeric WHEN 'view' THEN $4::numeric
                               WHEN 'click' THEN $5::numeric WHEN 'add_to_cart' THEN $6::numeric
                               ELSE $7::numeric END AS w
          FROM day_events) e
 GROUP BY ns, item_id
HAVING sum(w) > 0
 ORDER BY ns, item_id)sql";

// Sessions in which both items occurred; each session's first 50 distinct items only.
constexpr const char* kCovisitSql = R"sql(
WITH first_seen AS (
  SELECT ns, session, item_id, min(occurred_at) AS first_at
    FROM day_events WHERE event_type <> 'impression' GROUP BY ns, session, item_id),
capped AS (
  SELECT ns, session, item_id
    FROM (SELECT *, row_number() OVER (PARTITION BY ns, session ORDER BY first_at, item_id) AS n
            FROM first_seen) r
   WHERE n <= 50)
INSERT INTO item_covisit_daily (tenant_id, namespace, item_id, neighbor_id, day, score)
SELECT $1, a.ns, a.item_id, b.item_id, $2::date, count(*)
  FROM capped a JOIN capped b ON a.ns = b.ns AND a.session = b.session AND a.item_id <> b.item_id
 GROUP BY a.ns, a.item_id, b.item_id
 ORDER BY a.ns, a.item_id, b.item_id)sql";

// Σ 1/gap for each time b follows a within the next 3 items of a session, repeats of the same
// item in a row counting once.
constexpr const char* kSequenceSql = R"sql(
WITH ordered AS (
  SELECT ns, session, item_id, occurred_at, id,
         lag(item_id) OVER (PARTITION BY ns, session ORDER BY occurred_at, id) AS previous
    FROM day_events WHERE event_type <> 'impression'),
steps AS (
  SELECT ns, item_id,
         lead(item_id, 1) OVER w AS next1, lead(item_id, 2) OVER w AS next2,
         lead(item_id, 3) OVER w AS next3
    FROM ordered WHERE previous IS DISTINCT FROM item_id
  WINDOW w AS (PARTITION BY ns, session ORDER BY occurred_at, id))
INSERT INTO item_sequence_daily (tenant_id, namespace, item_id, neighbor_id, day, score)
SELECT $1, ns, item_id, next_id, $2::date, sum(score)
  FROM steps CROSS JOIN LATERAL (VALUES (next1, 1.0), (next2, 0.5), (next3, 1.0 / 3))
       AS follows(next_id, score)
 WHERE next_id IS NOT NULL AND next_id <> item_id
 GROUP BY ns, item_id, next_id
 ORDER BY ns, item_id, next_id)sql";

std::string DayText(int32_t day) {
  return FormatRfc3339(static_cast<TimestampUs>(day) * 86400 * 1000000).substr(0, 10);
}

int64_t AffectedOf(const Result<PgResult>& r) { return r.ok() ? r.value().AffectedRows() : 0; }

// The ids of the dirty markers of (tenant, day) this transaction sees, as an array literal.
Result<std::string> MarkedIds(PgConnection& conn, const std::string& tenant_id,
                              const std::string& day) {
  auto marks = conn.Query(
      "SELECT coalesce(array_agg(id), '{}')::text FROM signal_dirty_days "
      "WHERE tenant_id = $1 AND day = $2::date",
      {tenant_id, day});
  if (!marks.ok()) return marks.status();
  return std::string(marks.value().Get(0, 0));
}

Status DeleteDay(PgConnection& conn, const std::string& tenant_id, const std::string& day) {
  for (const char* table : {"item_popularity_daily", "item_covisit_daily", "item_sequence_daily"}) {
    auto deleted =
        conn.Query(std::string("DELETE FROM ") + table + " WHERE tenant_id = $1 AND day = $2::date",
                   {tenant_id, day});
    if (!deleted.ok()) return deleted.status();
  }
  return Status::Ok();
}

// The day's rows computed by the three statements above, in PostgreSQL.
Status ComputeDayInSql(PgConnection& conn, const std::string& tenant_id, const std::string& day,
                       const SignalParams& params, SignalBuildReport& report) {
  auto events =
      conn.Query(Substitute(kDayEventsSql, QuoteLiteral(conn, tenant_id), QuoteLiteral(conn, day)));
  if (!events.ok()) return events.status();
  RETURN_IF_ERROR(conn.Exec("ANALYZE day_events"));  // row counts for the aggregates' plans
  report.events += AffectedOf(events);
  std::vector<PgParam> weighted = {tenant_id, day};
  for (double w : params.event_weights) weighted.emplace_back(std::to_string(w));
  auto popularity = conn.Query(kPopularitySql, weighted);
  if (!popularity.ok()) return popularity.status();
  report.popularity_rows += AffectedOf(popularity);
  auto covisit = conn.Query(kCovisitSql, {tenant_id, day});
  if (!covisit.ok()) return covisit.status();
  report.covisit_rows += AffectedOf(covisit);
  auto sequence = conn.Query(kSequenceSql, {tenant_id, day});
  if (!sequence.ok()) return sequence.status();
  report.sequence_rows += AffectedOf(sequence);
  return Status::Ok();
}

// One COPY line of a signal table: tenant, namespace, item, [neighbour,] day, score.
void AppendSignalRow(std::string& out, const std::string& tenant_id, std::string_view ns,
                     std::string_view item, std::optional<std::string_view> neighbour,
                     const std::string& day, double score) {
  out += tenant_id;
  for (std::optional<std::string_view> field :
       {std::optional(ns), std::optional(item), neighbour}) {
    if (!field) continue;
    out.push_back('\t');
    AppendCopyEscaped(out, *field);
  }
  out.push_back('\t');
  out += day;
  out.push_back('\t');
  char buffer[64];
  auto end = std::to_chars(buffer, buffer + sizeof buffer, score, std::chars_format::fixed, 6);
  out.append(buffer, static_cast<size_t>(end.ptr - buffer));
  out.push_back('\n');
}

// The day's rows computed in C++ (core/day_signals.h) from one streaming read of its events, then
// written with one COPY per table.
Status ComputeDayStreaming(PgConnection& conn, const std::string& tenant_id, const std::string& day,
                           const SignalParams& params, SignalBuildReport& report) {
  DaySignals signals(params.event_weights);
  int64_t events = 0;
  RETURN_IF_ERROR(StreamCopyOut(
      conn,
      Substitute(
          "COPY (SELECT coalesce(surface, 'default'), item_id, event_type, "
          "(extract(epoch FROM occurred_at) * 1000000)::bigint, id, "
          "coalesce('s:' || session_id, 'u:' || encode(user_key, 'hex')) FROM interaction_events "
          "WHERE tenant_id = %1::uuid AND occurred_at >= %2::date::timestamp AT TIME ZONE 'UTC' "
          "AND occurred_at < (%2::date + 1)::timestamp AT TIME ZONE 'UTC') TO STDOUT",
          QuoteLiteral(conn, tenant_id), QuoteLiteral(conn, day)),
      [&](const CopyRow& row) {
        auto type = ParseEventType(row.fields[2]);
        if (!type) return;
        const int64_t at = ParseInt64(row.fields[3]).value_or(0);
        const int64_t id = ParseInt64(row.fields[4]).value_or(0);
        signals.Add(row.fields[0], row.fields[1], row.fields[5], *type, at, id);
        ++events;
      }));
  report.events += events;
  std::vector<DaySignals::ItemScore> popularity;
  std::vector<DaySignals::PairScore> covisit, sequence;
  signals.Finish(&popularity, &covisit, &sequence);
  std::string data;
  for (const auto& r : popularity) AppendSignalRow(data, tenant_id, r.ns, r.item, {}, day, r.score);
  RETURN_IF_ERROR(CopyIn(
      conn, "COPY item_popularity_daily (tenant_id, namespace, item_id, day, score) FROM STDIN",
      data));
  report.popularity_rows += static_cast<int64_t>(popularity.size());
  for (auto [rows, table, count] :
       {std::tuple{&covisit, "item_covisit_daily", &report.covisit_rows},
        std::tuple{&sequence, "item_sequence_daily", &report.sequence_rows}}) {
    data.clear();
    for (const auto& r : *rows) {
      AppendSignalRow(data, tenant_id, r.ns, r.item, r.neighbour, day, r.score);
    }
    RETURN_IF_ERROR(
        CopyIn(conn,
               std::string("COPY ") + table +
                   " (tenant_id, namespace, item_id, neighbor_id, day, score) FROM STDIN",
               data));
    *count += static_cast<int64_t>(rows->size());
  }
  return Status::Ok();
}

// Rewrites one day of one tenant's signals. REQUIRES: inside a transaction.
Status BuildDay(PgConnection& conn, const std::string& tenant_id, const std::string& day,
                const SignalParams& params, SignalBuildMethod method, SignalBuildReport& report) {
  auto marked = MarkedIds(conn, tenant_id, day);
  if (!marked.ok()) return marked.status();
  RETURN_IF_ERROR(DeleteDay(conn, tenant_id, day));
  RETURN_IF_ERROR(method == SignalBuildMethod::kSql
                      ? ComputeDayInSql(conn, tenant_id, day, params, report)
                      : ComputeDayStreaming(conn, tenant_id, day, params, report));
  return conn.Query("DELETE FROM signal_dirty_days WHERE id = ANY($1::bigint[])", {marked.value()})
      .status();
}

}  // namespace

namespace {

// $1 tenant, $2 first day, and (not `full`) $3 how old today's oldest mark must be.
std::vector<PgParam> DayQueryParams(const std::string& tenant_id, const std::string& since,
                                    const SignalBuildOptions& options) {
  std::vector<PgParam> params{tenant_id, since};
  if (!options.full) params.emplace_back(std::to_string(options.today_after_s));
  return params;
}

}  // namespace

Status SignalBuilder::BuildTenant(PgConnection& conn, const std::string& tenant_id,
                                  const std::string& external_id, const std::string& config_json,
                                  const SignalBuildOptions& options, SignalBuildReport& report,
                                  const Progress& progress) {
  SignalParams params;
  if (!config_json.empty()) {
    auto config = ParseTenantConfig(config_json);
    if (config.ok()) params = config.value().signals;
  }
  const std::string since = options.since ? DayText(*options.since) : "1970-01-01";
  auto days = conn.Query(
      options.full
          ? "SELECT DISTINCT (occurred_at AT TIME ZONE 'UTC')::date::text AS day "
            "FROM interaction_events WHERE tenant_id = $1 AND occurred_at >= "
            "$2::date::timestamp AT TIME ZONE 'UTC' "
            "UNION SELECT day::text FROM signal_dirty_days WHERE tenant_id = $1 AND day >= $2 "
            "ORDER BY 1"
          : "SELECT day::text FROM signal_dirty_days WHERE tenant_id = $1 AND day >= $2 "
            "GROUP BY day HAVING day < (now() AT TIME ZONE 'UTC')::date "
            "OR min(marked_at) <= now() - $3::bigint * interval '1 second' ORDER BY 1",
      DayQueryParams(tenant_id, since, options));
  if (!days.ok()) return days.status();
  std::vector<std::string> todo;
  for (int d = 0; d < days.value().rows(); ++d) todo.emplace_back(days.value().Get(d, 0));
  const int total = static_cast<int>(todo.size());
  // Days are independent: kWorkers connections build them side by side (PostgreSQL runs one
  // statement on one core).
  std::atomic<int> next{0}, done{0};
  std::mutex mu;  // guards report, first_error and progress
  Status first_error = Status::Ok();
  auto work = [&] {
    auto worker = PgConnection::Connect(url_, 5);
    if (!worker.ok()) {
      std::lock_guard<std::mutex> lock(mu);
      if (first_error.ok()) first_error = worker.status();
      return;
    }
    PgConnection& c = worker.value();
    SignalBuildReport mine;
    for (int d = next++; d < total; d = next++) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!first_error.ok()) break;
      }
      Status built = c.Exec(
          "BEGIN ISOLATION LEVEL REPEATABLE READ; SET LOCAL work_mem = '256MB'; "
          "SET LOCAL synchronous_commit = off");
      if (built.ok()) built = BuildDay(c, tenant_id, todo[d], params, options.method, mine);
      if (built.ok()) built = c.Exec("COMMIT");
      std::lock_guard<std::mutex> lock(mu);
      if (!built.ok()) {
        (void)c.Exec("ROLLBACK");
        if (first_error.ok()) first_error = built;
        break;
      }
      ++mine.days;
      if (progress) progress(external_id, *ParseDate(todo[d]), ++done, total);
    }
    std::lock_guard<std::mutex> lock(mu);
    report.days += mine.days;
    report.events += mine.events;
    report.popularity_rows += mine.popularity_rows;
    report.covisit_rows += mine.covisit_rows;
    report.sequence_rows += mine.sequence_rows;
  };
  std::vector<std::thread> workers;
  for (int w = 0; w < std::min(kWorkers, total); ++w) workers.emplace_back(work);
  for (std::thread& t : workers) t.join();
  RETURN_IF_ERROR(first_error);
  // Live layers serve today: only a closed day changes what instances load.
  const int32_t today = DayOf(NowUs());
  const bool announce = std::any_of(todo.begin(), todo.end(), [&](const std::string& day) {
    return options.full || options.today_after_s == 0 || ParseDate(day).value_or(today) < today;
  });
  if (announce) return SendChangeNotice(conn, {external_id, ChangeScope::kSignals});
  return Status::Ok();
}

Result<SignalBuildReport> SignalBuilder::Run(const SignalBuildOptions& options,
                                             const Progress& progress) {
  auto conn_or = conn_.Get();
  if (!conn_or.ok()) return conn_or.status();
  PgConnection& conn = *conn_or.value();
  auto locked =
      conn.Query("SELECT pg_try_advisory_lock($1::bigint)", {std::to_string(kBuilderLockKey)});
  if (!locked.ok()) {
    conn_.Reset();
    return locked.status();
  }
  if (locked.value().Get(0, 0) != "t") {
    return Status::Conflict("another signal builder is running (advisory lock held)");
  }
  SignalBuildReport report;
  Status status = Status::Ok();
  auto tenants = conn.Query(
      "SELECT t.id, t.external_id, coalesce(v.config::text, '') FROM tenants t "
      "LEFT JOIN tenant_configs_current c ON c.tenant_id = t.id "
      "LEFT JOIN tenant_config_versions v ON v.id = c.config_version_id "
      "WHERE t.status = 'active' AND ($1 = '' OR t.external_id = $1) ORDER BY t.external_id",
      {options.tenant});
  if (!tenants.ok()) {
    status = tenants.status();
  } else if (!options.tenant.empty() && tenants.value().rows() == 0) {
    status = Status::NotFound("tenant " + options.tenant + " does not exist or is not active");
  } else {
    for (int t = 0; t < tenants.value().rows() && status.ok(); ++t) {
      status = BuildTenant(conn, std::string(tenants.value().Get(t, 0)),
                           std::string(tenants.value().Get(t, 1)),
                           std::string(tenants.value().Get(t, 2)), options, report, progress);
      ++report.tenants;
    }
  }
  if (!conn.Query("SELECT pg_advisory_unlock($1::bigint)", {std::to_string(kBuilderLockKey)})
           .ok() ||
      !status.ok()) {
    conn_.Reset();  // a lost connection releases the lock; a failed one must not keep it
  }
  if (!status.ok()) return status;
  return report;
}

}  // namespace recsys::store
