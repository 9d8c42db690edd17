#include "store/history_tailer.h"

#include <algorithm>
#include <unordered_map>

#include "core/event.h"
#include "core/hex.h"
#include "core/parse_number.h"
#include "obs/log.h"
#include "store/connection_defaults.h"
#include "store/copy_stream.h"

namespace recsys::store {
namespace {

constexpr TimestampUs kMissingForUs = 10'000'000;
constexpr size_t kMaxMissing = 100000;
constexpr int kPollRows = 100000;

constexpr const char* kColumns =
    "SELECT id, tenant_id, encode(user_key, 'hex'), session_id, event_type, item_id, "
    "(extract(epoch FROM occurred_at) * 1000000)::bigint, coalesce(surface, 'default') "
    "FROM interaction_events ";

// Live layers fold at most these days: yesterday (until a base holds it) and today.
constexpr int kLiveDays = 2;
// The live feed applies what it buffered at least every this many rows (warm-up, refolds).
constexpr size_t kLiveFlushRows = 4096;

int64_t ToInt(std::string_view s) { return ParseInt64(s).value_or(0); }

}  // namespace

struct HistoryTailer::TenantParams {
  const double* event_weights;
  double half_life_days;
  int items_per_user;
};

struct HistoryTailer::TenantParamsMap {
  std::shared_ptr<const service::ServingState> state;  // keeps the keys and weights alive
  std::unordered_map<std::string_view, TenantParams> by_id;
  SignalParams defaults;

  TenantParams For(std::string_view tenant_id) const {
    auto it = by_id.find(tenant_id);
    if (it != by_id.end()) return it->second;
    return {defaults.event_weights, 30, defaults.history_items};
  }
};

HistoryTailer::TenantParamsMap HistoryTailer::CurrentParams() const {
  TenantParamsMap params;
  params.state = state_.Get();
  for (const auto& [external, tenant] : params.state->tenants) {
    params.by_id.emplace(tenant->id, TenantParams{tenant->config.signals.event_weights,
                                                  tenant->config.ranking.half_life_days,
                                                  tenant->config.signals.history_items});
  }
  return params;
}

// Row: id, tenant_id, hex user_key, session_id, event_type, item_id, occurred_at (us), namespace.
void HistoryTailer::ApplyRow(const CopyRow& row, const TenantParamsMap& params, bool to_history,
                             bool to_live) {
  auto type = ParseEventType(row.fields[4]);
  if (!type) return;
  const TimestampUs at = ToInt(row.fields[6]);
  if (to_live && feed_) {
    std::string session;
    service::AppendSessionKey(row.fields[3], !row.is_null[3], row.fields[2], !row.is_null[2],
                              &session);
    feed_->Add(row.fields[1], row.fields[7], row.fields[5], session, *type, at,
               ToInt(row.fields[0]));
    if (feed_->buffered() >= kLiveFlushRows) FlushLive(params);
  }
  if (!to_history) return;
  const TenantParams p = params.For(row.fields[1]);
  const double weight = p.event_weights[static_cast<int>(*type)];
  if (!row.is_null[2]) {
    std::string key;  // encode(..., 'hex') always gives well-formed digits
    AppendHexBytes(row.fields[2], &key);
    index_.Add({row.fields[1], service::HistoryKeyKind::kUser, key}, row.fields[5], at, *type,
               weight, p.half_life_days, p.items_per_user);
  }
  if (!row.is_null[3]) {
    index_.Add({row.fields[1], service::HistoryKeyKind::kSession, row.fields[3]}, row.fields[5], at,
               *type, weight, p.half_life_days, p.items_per_user);
  }
}

HistoryTailer::HistoryTailer(std::string database_url, service::HistoryIndex& index,
                             const service::StateHolder& state, std::chrono::milliseconds poll,
                             int warm_days, service::LiveRegistry* live)
    : url_(std::move(database_url)),
      index_(index),
      state_(state),
      poll_(poll),
      warm_days_(warm_days),
      live_(live),
      feed_(live ? std::make_unique<service::LiveFeed>(*live) : nullptr) {}

void HistoryTailer::FlushLive(const TenantParamsMap& params) {
  if (feed_) feed_->Flush(*params.state, NowUs());
}

Status HistoryTailer::FoldLiveDays(PgConnection& conn, const TenantParamsMap& params,
                                   const std::string& tenant_id) {
  const int32_t first_day = DayOf(NowUs()) - (kLiveDays - 1);
  std::string sql = "COPY (" + std::string(kColumns) + "WHERE id <= " + std::to_string(high_id_) +
                    " AND occurred_at >= (DATE '1970-01-01' + " + std::to_string(first_day) +
                    ")::timestamp AT TIME ZONE 'UTC'";
  if (!tenant_id.empty()) sql += " AND tenant_id = " + QuoteLiteral(conn, tenant_id) + "::uuid";
  if (!missing_.empty()) {  // they are folded when they commit, by Poll
    sql += " AND id NOT IN (";
    bool first = true;
    for (const auto& [id, since] : missing_) {
      if (!first) sql.push_back(',');
      first = false;
      sql += std::to_string(id);
    }
    sql += ")";
  }
  sql += " ORDER BY id) TO STDOUT";
  RETURN_IF_ERROR(
      StreamCopyOut(conn, sql, [&](const CopyRow& row) { ApplyRow(row, params, false, true); }));
  FlushLive(params);
  return Status::Ok();
}

Status HistoryTailer::SyncLive(PgConnection& conn, const TenantParamsMap& params) {
  live_->Sync(*params.state);
  for (const std::string& tenant_id : live_->TakeRefolds()) {
    obs::Log(obs::Level::kInfo, "live signals folded again after a change of signal parameters")
        .Str("tenant_id", tenant_id);
    RETURN_IF_ERROR(FoldLiveDays(conn, params, tenant_id));
  }
  return Status::Ok();
}

HistoryTailer::~HistoryTailer() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void HistoryTailer::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void HistoryTailer::Loop() {
  ReconnectingConnection conn(url_, kBackgroundConnectTimeoutS);
  bool failing = false;
  while (!stopping_) {
    const auto started = std::chrono::steady_clock::now();
    if (read_) conn.SetUrl(read_->UrlForRead());
    auto c = conn.Get();
    Status status = c.ok() ? Step(*c.value()) : c.status();
    if (!status.ok()) {
      // A standby that went away: the next step reads the primary.
      if (read_) (void)read_->ReportUnreachable(conn.url(), status);
      if (!failing) {
        obs::Log(obs::Level::kWarn, "history tail failed; retrying").Str("error", status.message());
      }
      conn.Reset();
    } else if (failing) {
      obs::Log(obs::Level::kInfo, "history tail recovered");
    }
    failing = !status.ok();
    LogRefusals();
    const auto next = started + poll_;
    while (!stopping_ && std::chrono::steady_clock::now() < next) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

Status HistoryTailer::Step(PgConnection& conn) {
  if (!warmed_) return Warm(conn);
  // The live layers fold the live days once tenants and their bases are loaded: rows up to
  // high_id_ now, and from then on each poll's (before, polls feed the history index only).
  if (live_ != nullptr && !live_warmed_ && state_.Get()->signals_loaded) {
    const auto started = std::chrono::steady_clock::now();
    const TenantParamsMap params = CurrentParams();
    live_->Sync(*params.state);
    RETURN_IF_ERROR(FoldLiveDays(conn, params, ""));
    live_warmed_ = true;
    obs::Log(obs::Level::kInfo, "live signals warmed")
        .Int("events", static_cast<int64_t>(live_->folded()))
        .Int("layers", static_cast<int64_t>(live_->layers()))
        .Int("bytes", static_cast<int64_t>(live_->MemoryBytes()))
        .Int("duration_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count());
  }
  return Poll(conn);
}

void HistoryTailer::LogRefusals() {
  if (live_ == nullptr) return;
  const uint64_t refused = live_->refused();
  const auto now = std::chrono::steady_clock::now();
  if (refused == logged_refused_ || now - last_refusal_log_ < std::chrono::minutes(1)) return;
  obs::Log(obs::Level::kWarn,
           "live signals over their memory cap: events refused (their days "
           "serve once built; raise RECSYS_LIVE_MAX_MB)")
      .Int("refused", static_cast<int64_t>(refused - logged_refused_))
      .Int("bytes", static_cast<int64_t>(live_->MemoryBytes()));
  logged_refused_ = refused;
  last_refusal_log_ = now;
}

Status HistoryTailer::Warm(PgConnection& conn) {
  const auto started = std::chrono::steady_clock::now();
  // An empty log may still have used ids (rows deleted, partitions pruned): start after them, or
  // the first poll would take every id below its first row as one still in flight.
  auto high = conn.Query(
      "SELECT coalesce(max(id), pg_sequence_last_value(pg_get_serial_sequence("
      "'interaction_events', 'id')::regclass), 0) FROM interaction_events");
  if (!high.ok()) return high.status();
  const int64_t high_id = ToInt(high.value().Get(0, 0));
  const TenantParamsMap params = CurrentParams();
  uint64_t applied = 0;
  auto apply = [&](const CopyRow& row) {
    ApplyRow(row, params, /*to_history=*/true, /*to_live=*/false);
    ++applied;
  };
  RETURN_IF_ERROR(StreamCopyOut(conn,
                                "COPY (" + std::string(kColumns) +
                                    "WHERE id <= " + std::to_string(high_id) +
                                    " AND occurred_at >= now() - " + std::to_string(warm_days_) +
                                    " * interval '1 day' AND event_type <> 'impression') TO STDOUT",
                                apply));
  high_id_ = high_id;
  applied_ += applied;
  warmed_ = true;
  obs::Log(obs::Level::kInfo, "recent-history index warmed")
      .Int("events", static_cast<int64_t>(applied))
      .Int("users", static_cast<int64_t>(index_.users()))
      .Int("bytes", static_cast<int64_t>(index_.bytes()))
      .Int("duration_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count());
  return Status::Ok();
}

Status HistoryTailer::ReadSourceTime(PgConnection& conn) {
  // A standby that has replayed no transaction since it started has no such time (NULL): the
  // clock then stands still.
  auto rows = conn.Query(
      "SELECT (extract(epoch FROM CASE WHEN pg_is_in_recovery() "
      "THEN pg_last_xact_replay_timestamp() ELSE now() END) * 1000000)::bigint");
  if (!rows.ok()) return rows.status();
  if (!rows.value().IsNull(0, 0)) {
    source_now_ = std::max(source_now_, ToInt(rows.value().Get(0, 0)));
  }
  return Status::Ok();
}

Status HistoryTailer::Poll(PgConnection& conn) {
  // The time is read before the rows: an id still missing from rows read after the source's time
  // passed 10 s beyond its first miss did not commit within those 10 s.
  RETURN_IF_ERROR(ReadSourceTime(conn));
  const TimestampUs now = source_now_;
  std::string sql = "COPY ((" + std::string(kColumns) + "WHERE id > " + std::to_string(high_id_) +
                    " ORDER BY id LIMIT " + std::to_string(kPollRows) + ")";
  if (!missing_.empty()) {
    std::string ids;
    for (const auto& [id, since] : missing_) {
      if (!ids.empty()) ids.push_back(',');
      ids += std::to_string(id);
    }
    sql += " UNION ALL (" + std::string(kColumns) + "WHERE id IN (" + ids + "))";
  }
  sql += ") TO STDOUT";

  const TenantParamsMap params = CurrentParams();
  const bool to_live = live_ != nullptr && live_warmed_;
  if (to_live) RETURN_IF_ERROR(SyncLive(conn, params));
  int64_t high = high_id_;
  uint64_t applied = 0;
  RETURN_IF_ERROR(StreamCopyOut(conn, sql, [&](const CopyRow& row) {
    const int64_t id = ToInt(row.fields[0]);
    if (id > high) {
      for (int64_t skipped = high + 1; skipped < id && missing_.size() < kMaxMissing; ++skipped) {
        missing_.emplace(skipped, now);
      }
      high = id;
    } else {
      missing_.erase(id);
    }
    ApplyRow(row, params, /*to_history=*/true, to_live);
    ++applied;
  }));
  FlushLive(params);
  high_id_ = high;
  applied_ += applied;
  std::erase_if(missing_, [now](const auto& m) { return now - m.second > kMissingForUs; });
  return Status::Ok();
}

}  // namespace recsys::store
