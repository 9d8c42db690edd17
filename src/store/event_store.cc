#include "store/event_store.h"

#include <charconv>
#include <unordered_set>

#include "crypto/digest.h"
#include "store/connection_defaults.h"
#include "store/copy_stream.h"

namespace recsys::store {
namespace {

constexpr const char* kCopySql =
    "COPY interaction_events (tenant_id, occurred_at, request_id, user_key, session_id, surface, "
    "segment, event_type, item_id, position, value, meta) FROM STDIN";
constexpr size_t kMaxIdleConnections = 16;

}  // namespace

std::string ArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

void PgEventStore::AppendCopyLine(std::string& out, const std::string& tenant_id,
                                  const service::StoredEvent& stored) {
  const Event& e = *stored.event;
  AppendCopyField(out, tenant_id);
  AppendCopyField(out, FormatRfc3339(e.occurred_at));
  AppendCopyField(out, e.request_id);
  AppendCopyField(out, stored.user_key.empty() ? "" : "\\x" + crypto::ToHex(stored.user_key));
  AppendCopyField(out, e.session_id);
  AppendCopyField(out, e.surface);
  AppendCopyField(out, e.segment);
  AppendCopyField(out, EventTypeName(e.type));
  AppendCopyField(out, e.item_id);
  AppendCopyField(out, e.position ? std::to_string(*e.position) : "");
  if (e.value) {
    char buffer[64];
    auto end = std::to_chars(buffer, buffer + sizeof buffer, *e.value, std::chars_format::fixed, 6);
    AppendCopyField(out, std::string_view(buffer, static_cast<size_t>(end.ptr - buffer)));
  } else {
    AppendCopyField(out, "");
  }
  AppendCopyField(out, e.meta_json, '\n');
}

Result<PgConnection> PgEventStore::Take() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      PgConnection conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
  }
  // A statement that waits this long for a lock or the server is stuck: answer 503, not a hang.
  return PgConnection::Connect(url_, kEventSession.connect_timeout_s, kEventSession.server_options);
}

void PgEventStore::Give(PgConnection conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(conn));
}

Result<service::AppendCounts> PgEventStore::Append(const std::string& tenant_id,
                                                   std::span<const service::StoredEvent> events) {
  auto conn = Take();
  if (!conn.ok()) return conn.status();
  auto counts = AppendIn(conn.value(), tenant_id, events);
  if (counts.ok()) {
    Give(std::move(conn).value());
  } else if (conn.value().IsHealthy() && conn.value().Exec("ROLLBACK").ok()) {
    Give(std::move(conn).value());
  }
  return counts;
}

Result<service::AppendCounts> PgEventStore::AppendIn(PgConnection& conn,
                                                     const std::string& tenant_id,
                                                     std::span<const service::StoredEvent> events) {
  std::vector<std::string> ids;
  for (const auto& stored : events) {
    if (!stored.event->event_id.empty()) ids.push_back(stored.event->event_id);
  }
  RETURN_IF_ERROR(conn.Exec("BEGIN"));
  std::unordered_set<std::string> new_ids;
  if (!ids.empty()) {
    auto claimed = conn.Query(
        "INSERT INTO interaction_event_keys (tenant_id, event_id) "
        "SELECT $1::uuid, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING event_id",
        {tenant_id, ArrayLiteral(ids)});
    if (!claimed.ok()) return claimed.status();
    for (int r = 0; r < claimed.value().rows(); ++r) new_ids.emplace(claimed.value().Get(r, 0));
  }
  service::AppendCounts counts;
  std::string data;
  data.reserve(events.size() * 200);
  std::vector<int32_t> days;
  for (const auto& stored : events) {
    const Event& e = *stored.event;
    if (!e.event_id.empty() && new_ids.erase(e.event_id) == 0) {
      ++counts.duplicates;
      continue;
    }
    AppendCopyLine(data, tenant_id, stored);
    ++counts.accepted;
    const int32_t day = DayOf(e.occurred_at);
    if (std::find(days.begin(), days.end(), day) == days.end()) days.push_back(day);
  }
  if (counts.accepted > 0) {
    RETURN_IF_ERROR(CopyIn(conn, kCopySql, data));
    std::vector<std::string> day_texts;
    for (int32_t day : days) day_texts.push_back(FormatDate(day));
    auto marked = conn.Query(
        "INSERT INTO signal_dirty_days (tenant_id, day) SELECT $1::uuid, unnest($2::date[])",
        {tenant_id, ArrayLiteral(day_texts)});
    if (!marked.ok()) return marked.status();
  }
  RETURN_IF_ERROR(conn.Exec("COMMIT"));
  return counts;
}

}  // namespace recsys::store
