#include "store/signal_day.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <optional>
#include <utility>

#include "core/day_signals.h"
#include "core/event.h"
#include "core/parse_number.h"
#include "core/time.h"
#include "store/binary_copy.h"
#include "store/copy_stream.h"

namespace recsys::store {
namespace {

enum Table { kPopularity, kCovisit, kSequence, kTableCount };
constexpr std::array<const char*, kTableCount> kTables = {
    "item_popularity_daily", "item_covisit_daily", "item_sequence_daily"};
constexpr std::array<const char*, kTableCount> kKeys = {
    "tenant_id, namespace, item_id, day", "tenant_id, namespace, item_id, neighbor_id, day",
    "tenant_id, namespace, item_id, neighbor_id, day"};

// `sql` with each marker replaced by its value.
std::string Substitute(std::string sql,
                       std::initializer_list<std::pair<const char*, std::string_view>> values) {
  for (auto [marker, value] : values) {
    const size_t length = std::char_traits<char>::length(marker);
    for (size_t at = sql.find(marker); at != std::string::npos; at = sql.find(marker, at)) {
      sql.replace(at, length, value);
      at += value.size();
    }
  }
  return sql;
}

// The day's events, as every signal reads them (CREATE TABLE AS takes no parameters: %1 and %2
// are replaced by quoted literals). Sessions (ranking.md): the event's session_id, else its user
// key on that day (the table holds one day). Impressions are shows, not actions: they count for
// popularity only through their weight (0 by default) and never pair items.
constexpr const char* kDayEventsSql = R"sql(
CREATE TEMP TABLE day_events ON COMMIT DROP AS
SELECT coalesce(surface, 'default') AS ns, item_id, event_type, occurred_at, id,
       coalesce('s:' || session_id, 'u:' || encode(user_key, 'hex')) AS session
  FROM interaction_events
 WHERE tenant_id = %1::uuid AND occurred_at >= %2::date::timestamp AT TIME ZONE 'UTC'
   AND occurred_at < (%2::date + 1)::timestamp AT TIME ZONE 'UTC')sql";

// The statements below write into the table %T. Popularity: Σ event weights per item; $2 day,
// $3..$7 the weights of impression, view, click, add_to_cart, purchase.
constexpr const char* kPopularitySql = R"sql(
INSERT INTO %T (tenant_id, namespace, item_id, day, score)
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
INSERT INTO %T (tenant_id, namespace, item_id, neighbor_id, day, score)
WITH first_seen AS (
  SELECT ns, session, item_id, min(occurred_at) AS first_at
    FROM day_events WHERE event_type <> 'impression' GROUP BY ns, session, item_id),
capped AS (
  SELECT ns, session, item_id
    FROM (SELECT *, row_number() OVER (PARTITION BY ns, session ORDER BY first_at, item_id) AS n
            FROM first_seen) r
   WHERE n <= 50)
SELECT $1, a.ns, a.item_id, b.item_id, $2::date, count(*)
  FROM capped a JOIN capped b ON a.ns = b.ns AND a.session = b.session AND a.item_id <> b.item_id
 GROUP BY a.ns, a.item_id, b.item_id
 ORDER BY a.ns, a.item_id, b.item_id)sql";

// Σ 1/gap for each time b follows a within the next 3 items of a session, repeats of the same
// item in a row counting once.
constexpr const char* kSequenceSql = R"sql(
INSERT INTO %T (tenant_id, namespace, item_id, neighbor_id, day, score)
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
SELECT $1, ns, item_id, next_id, $2::date, sum(score)
  FROM steps CROSS JOIN LATERAL (VALUES (next1, 1.0), (next2, 0.5), (next3, 1.0 / 3))
       AS follows(next_id, score)
 WHERE next_id IS NOT NULL AND next_id <> item_id
 GROUP BY ns, item_id, next_id
 ORDER BY ns, item_id, next_id)sql";

using Tables = std::array<std::string, kTableCount>;

// Seconds since `start`, added to `total`.
void AddSince(std::chrono::steady_clock::time_point& start, double& total) {
  const auto now = std::chrono::steady_clock::now();
  total += std::chrono::duration<double>(now - start).count();
  start = now;
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

// Whether a tenant other than `tenant_id` has rows in one of `partitions` (two index range scans
// each, never a scan of the tenant's own rows).
Result<bool> Shared(PgConnection& conn, const std::string& tenant_id, const Tables& partitions) {
  std::string sql = "SELECT ";
  for (const std::string& part : partitions) {
    if (sql.size() > 7) sql += " OR ";
    sql += "EXISTS (SELECT 1 FROM " + part + " WHERE tenant_id < $1) OR EXISTS (SELECT 1 FROM " +
           part + " WHERE tenant_id > $1)";
  }
  auto shared = conn.Query(sql, {tenant_id});
  if (!shared.ok()) return shared.status();
  return shared.value().Get(0, 0) == "t";
}

// The day's rows computed by the three statements above, in PostgreSQL, into `targets`.
Status ComputeDayInSql(PgConnection& conn, const std::string& tenant_id, const std::string& day,
                       const SignalParams& params, const Tables& targets,
                       SignalBuildReport& report) {
  auto clock = std::chrono::steady_clock::now();
  auto events = conn.Query(Substitute(
      kDayEventsSql, {{"%1", QuoteLiteral(conn, tenant_id)}, {"%2", QuoteLiteral(conn, day)}}));
  if (!events.ok()) return events.status();
  RETURN_IF_ERROR(conn.Exec("ANALYZE day_events"));  // row counts for the aggregates' plans
  report.events += AffectedOf(events);
  AddSince(clock, report.times.read_s);
  std::vector<PgParam> weighted = {tenant_id, day};
  for (double w : params.event_weights) weighted.emplace_back(std::to_string(w));
  int64_t* counts[kTableCount] = {&report.popularity_rows, &report.covisit_rows,
                                  &report.sequence_rows};
  const char* statements[kTableCount] = {kPopularitySql, kCovisitSql, kSequenceSql};
  for (int t = 0; t < kTableCount; ++t) {
    auto inserted = conn.Query(Substitute(statements[t], {{"%T", targets[t]}}),
                               t == kPopularity ? weighted : std::vector<PgParam>{tenant_id, day});
    if (!inserted.ok()) return inserted.status();
    *counts[t] += AffectedOf(inserted);
  }
  AddSince(clock, report.times.write_s);
  return Status::Ok();
}

// One row of a signal table in binary COPY form: tenant, namespace, item, [neighbour,] day, score
// (numeric(18,6): the score rounded to millionths, as the column keeps it).
void AppendSignalRow(std::string& out, std::string_view tenant_field, std::string_view ns,
                     std::string_view item, std::optional<std::string_view> neighbour, int32_t day,
                     double score) {
  PutInt16(&out, neighbour ? 6 : 5);
  out.append(tenant_field);
  PutTextField(&out, ns);
  PutTextField(&out, item);
  if (neighbour) PutTextField(&out, *neighbour);
  PutDateField(&out, day);
  PutNumericField(&out, std::llround(score * 1e6), 6);
}

// The day's rows computed in C++ (core/day_signals.h) from one streaming read of its events, then
// written with one COPY per table (FREEZE into tables this transaction created).
Status ComputeDayStreaming(PgConnection& conn, const std::string& tenant_id, const std::string& day,
                           const SignalParams& params, const Tables& targets, bool freeze,
                           SignalBuildReport& report) {
  auto clock = std::chrono::steady_clock::now();
  DaySignals signals(params.event_weights);
  int64_t events = 0;
  // Binary: the times and ids arrive as integers and the user key as its bytes, with nothing to
  // format on the server or parse here. A session is "s:" and its id, else "u:" and the user key.
  std::string session;
  RETURN_IF_ERROR(StreamCopyOut(
      conn,
      Substitute(
          "COPY (SELECT coalesce(surface, 'default'), item_id, event_type, occurred_at, id, "
          "session_id, user_key FROM interaction_events "
          "WHERE tenant_id = %1::uuid AND occurred_at >= %2::date::timestamp AT TIME ZONE 'UTC' "
          "AND occurred_at < (%2::date + 1)::timestamp AT TIME ZONE 'UTC') TO STDOUT "
          "WITH (FORMAT binary)",
          {{"%1", QuoteLiteral(conn, tenant_id)}, {"%2", QuoteLiteral(conn, day)}}),
      [&](const CopyRow& row) {
        auto type = ParseEventType(row.fields[2]);
        if (!type || row.fields[3].size() != 8 || row.fields[4].size() != 8) return;
        const bool by_session = row.is_null[5] == 0;
        session.assign(by_session ? "s:" : "u:");
        session.append(by_session ? row.fields[5] : row.fields[6]);
        signals.Add(row.fields[0], row.fields[1], session, *type,
                    ReadBigEndian(row.fields[3]) + kPostgresEpochUs, ReadBigEndian(row.fields[4]));
        ++events;
      }));
  report.events += events;
  AddSince(clock, report.times.read_s);
  std::vector<DaySignals::ItemScore> popularity;
  std::vector<DaySignals::PairScore> covisit, sequence;
  signals.Finish(&popularity, &covisit, &sequence);
  AddSince(clock, report.times.aggregate_s);
  std::string tenant_field;  // the same 20 bytes on every row
  if (!PutUuidField(&tenant_field, tenant_id)) {
    return Status::InvalidArgument("not a tenant id: " + tenant_id);
  }
  const int32_t unix_day = *ParseDate(day);
  const std::string options =
      freeze ? " FROM STDIN WITH (FORMAT binary, FREEZE)" : " FROM STDIN WITH (FORMAT binary)";
  // About 90 bytes a row: reserved once for the largest table, so the buffer never moves.
  std::string data;
  data.reserve(96 * std::max({popularity.size(), covisit.size(), sequence.size()}) + 64);
  // One binary COPY per table, its columns the key's and the score: building the rows counts as
  // aggregating, the COPY as writing.
  auto copy_rows = [&](Table table, const auto& rows, int64_t& count) -> Status {
    data.clear();
    AppendBinaryCopyHeader(&data);
    for (const auto& r : rows) {
      std::optional<std::string_view> neighbour;
      if constexpr (requires { r.neighbour; }) neighbour = r.neighbour;
      AppendSignalRow(data, tenant_field, r.ns, r.item, neighbour, unix_day, r.score);
    }
    AppendBinaryCopyTrailer(&data);
    AddSince(clock, report.times.aggregate_s);
    RETURN_IF_ERROR(
        CopyIn(conn, "COPY " + targets[table] + " (" + kKeys[table] + ", score)" + options, data));
    AddSince(clock, report.times.write_s);
    count += static_cast<int64_t>(rows.size());
    return Status::Ok();
  };
  RETURN_IF_ERROR(copy_rows(kPopularity, popularity, report.popularity_rows));
  RETURN_IF_ERROR(copy_rows(kCovisit, covisit, report.covisit_rows));
  RETURN_IF_ERROR(copy_rows(kSequence, sequence, report.sequence_rows));
  return Status::Ok();
}

// The day's statements after BEGIN. REQUIRES: inside the transaction BuildSignalDay began.
Status BuildInTransaction(PgConnection& conn, const std::string& tenant_id, const std::string& day,
                          const Tables& partitions, const SignalParams& params,
                          SignalBuildMethod method, SignalBuildReport& report) {
  auto marked = MarkedIds(conn, tenant_id, day);
  if (!marked.ok()) return marked.status();
  auto shared = Shared(conn, tenant_id, partitions);
  if (!shared.ok()) return shared.status();
  // Only rows loaded with COPY FREEZE may be swapped in: a reader whose snapshot predates the
  // commit sees the new partition, and frozen rows are visible to it where rows inserted by this
  // transaction would not be (the day would read as empty). The SQL method inserts: in place.
  const bool whole = !shared.value() && method == SignalBuildMethod::kStreaming;
  Tables targets = partitions;
  for (int t = 0; t < kTableCount; ++t) {
    if (whole) {
      targets[t] += "_next";
      RETURN_IF_ERROR(conn.Exec("CREATE TABLE " + targets[t] + " (LIKE " + partitions[t] +
                                " INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"));
    } else {
      RETURN_IF_ERROR(
          conn.Query("DELETE FROM " + partitions[t] + " WHERE tenant_id = $1", {tenant_id})
              .status());
    }
  }
  RETURN_IF_ERROR(method == SignalBuildMethod::kSql
                      ? ComputeDayInSql(conn, tenant_id, day, params, targets, report)
                      : ComputeDayStreaming(conn, tenant_id, day, params, targets, whole, report));
  if (whole) {
    auto clock = std::chrono::steady_clock::now();
    for (int t = 0; t < kTableCount; ++t) {
      RETURN_IF_ERROR(
          conn.Exec("ALTER TABLE " + targets[t] + " ADD PRIMARY KEY (" + kKeys[t] + ")"));
    }
    AddSince(clock, report.times.index_s);
    // The parents stay locked from the first DETACH to the commit: the swaps come last.
    const std::string bounds =
        " FOR VALUES FROM ('" + day + "') TO ('" + FormatDate(*ParseDate(day) + 1) + "')";
    for (int t = 0; t < kTableCount; ++t) {
      RETURN_IF_ERROR(conn.Exec(std::string("ALTER TABLE ") + kTables[t] + " DETACH PARTITION " +
                                partitions[t] + "; ALTER TABLE " + kTables[t] +
                                " ATTACH PARTITION " + targets[t] + bounds + "; DROP TABLE " +
                                partitions[t] + "; ALTER TABLE " + targets[t] + " RENAME TO " +
                                partitions[t] + "; ALTER INDEX " + targets[t] + "_pkey RENAME TO " +
                                partitions[t] + "_pkey"));
    }
    AddSince(clock, report.times.swap_s);
  }
  return conn.Query("DELETE FROM signal_dirty_days WHERE id = ANY($1::bigint[])", {marked.value()})
      .status();
}

}  // namespace

Status EnsureDayPartitions(PgConnection& conn, const std::vector<std::string>& days) {
  std::string array = "{";
  for (const std::string& day : days) {
    if (array.size() > 1) array.push_back(',');
    array += day;
  }
  array.push_back('}');
  return conn
      .Query("SELECT count(recsys_signal_day_partition(d)) FROM unnest($1::date[]) d", {array})
      .status();
}

Status BuildSignalDay(PgConnection& conn, const std::string& tenant_id, const std::string& day,
                      const SignalParams& params, SignalBuildMethod method,
                      SignalBuildReport& report) {
  // The day names tables and is spliced into DDL: only a real date may.
  if (!ParseDate(day)) return Status::InvalidArgument("not a day (YYYY-MM-DD): " + day);
  std::string suffix = "_" + day;
  std::erase(suffix, '-');
  Tables partitions;
  for (int t = 0; t < kTableCount; ++t) partitions[t] = kTables[t] + suffix;
  // The lock comes before the transaction's snapshot: no writer can add rows to the day between
  // what the snapshot shows and the swap.
  Status built = conn.Exec(
      "BEGIN ISOLATION LEVEL REPEATABLE READ; SET LOCAL work_mem = '256MB'; "
      "SET LOCAL synchronous_commit = off; LOCK TABLE " +
      partitions[kPopularity] + ", " + partitions[kCovisit] + ", " + partitions[kSequence] +
      " IN SHARE MODE");
  if (built.ok()) {
    built = BuildInTransaction(conn, tenant_id, day, partitions, params, method, report);
  }
  if (built.ok()) built = conn.Exec("COMMIT");
  if (!built.ok()) (void)conn.Exec("ROLLBACK");
  return built;
}

}  // namespace recsys::store
