#include "store/exposure_sample.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <unordered_map>

#include "core/hex.h"
#include "core/parse_number.h"
#include "core/string_hash.h"

namespace recsys::store {
namespace {

using service::LoggedRequest;

constexpr TimestampUs kFirstWindowUs = 3600LL * 1000000;  // then 8 times longer each step

// The strings of a JSON array's text; false when it is not one.
bool ReadStrings(std::string_view text, std::vector<std::string>& out) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsArray()) return false;
  for (const auto& v : doc.GetArray()) {
    if (!v.IsString()) return false;
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return true;
}

bool ReadFloats(std::string_view text, std::vector<float>& out) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsArray()) return false;
  for (const auto& v : doc.GetArray()) {
    if (!v.IsNumber()) return false;
    out.push_back(static_cast<float>(v.GetDouble()));
  }
  return true;
}

// Rows of [lower, upper), newest first, at most `limit`, appended to `out`.
Status ReadWindow(PgConnection& conn, const std::string& tenant_id, const std::string& surface,
                  TimestampUs lower, TimestampUs upper, int64_t limit,
                  std::vector<LoggedRequest>& out) {
  auto rows = conn.Query(
      "SELECT request_id::text, (extract(epoch FROM occurred_at) * 1000000)::bigint, surface, "
      "request::text, coalesce(encode(user_key, 'hex'), ''), coalesce(session_id, ''), "
      "(response->'items')::text, (response->'propensities')::text "
      "FROM exposure_events WHERE tenant_id = $1 AND occurred_at >= to_timestamp($2::bigint / "
      "1000000.0) AND occurred_at < to_timestamp($3::bigint / 1000000.0) "
      "AND ($4 = '' OR surface = $4) ORDER BY occurred_at DESC LIMIT $5::bigint",
      {tenant_id, std::to_string(lower), std::to_string(upper), surface, std::to_string(limit)});
  if (!rows.ok()) return rows.status();
  const PgResult& r = rows.value();
  for (int i = 0; i < r.rows(); ++i) {
    LoggedRequest logged;
    logged.request_id = std::string(r.Get(i, 0));
    logged.occurred_at = ParseInt64(r.Get(i, 1)).value_or(0);
    logged.surface = std::string(r.Get(i, 2));
    logged.request_json = std::string(r.Get(i, 3));
    if (!AppendHexBytes(r.Get(i, 4), &logged.user_key)) logged.user_key.clear();
    logged.session_id = std::string(r.Get(i, 5));
    if (!r.IsNull(i, 6)) ReadStrings(r.Get(i, 6), logged.served);
    if (!r.IsNull(i, 7) && (!ReadFloats(r.Get(i, 7), logged.propensities) ||
                            logged.propensities.size() != logged.served.size())) {
      logged.propensities.clear();  // not a row this service wrote: no off-policy use
    }
    out.push_back(std::move(logged));
  }
  return Status::Ok();
}

// Fills `clicked` of the rows logged while exploring.
Status ReadClicks(PgConnection& conn, const std::string& tenant_id,
                  std::vector<LoggedRequest>& sample) {
  std::unordered_map<std::string, LoggedRequest*, StringHash, std::equal_to<>> exploring;
  std::string ids = "{";
  TimestampUs first = 0, last = 0;
  for (LoggedRequest& logged : sample) {
    if (logged.propensities.empty()) continue;
    if (!exploring.empty()) ids += ',';
    ids += logged.request_id;
    first = exploring.empty() ? logged.occurred_at : std::min(first, logged.occurred_at);
    last = std::max(last, logged.occurred_at);
    exploring.emplace(logged.request_id, &logged);
  }
  if (exploring.empty()) return Status::Ok();
  ids += '}';
  auto rows = conn.Query(
      "SELECT DISTINCT request_id::text, item_id FROM interaction_events WHERE tenant_id = $1 "
      "AND event_type = 'click' AND request_id = ANY($2::uuid[]) "
      "AND occurred_at >= to_timestamp($3::bigint / 1000000.0) "
      "AND occurred_at < to_timestamp($4::bigint / 1000000.0)",
      {tenant_id, ids, std::to_string(first), std::to_string(last + kMicrosPerDay)});
  if (!rows.ok()) return rows.status();
  for (int i = 0; i < rows.value().rows(); ++i) {
    auto it = exploring.find(rows.value().Get(i, 0));
    if (it != exploring.end()) it->second->clicked.emplace_back(rows.value().Get(i, 1));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<LoggedRequest>> ReadExposureSample(PgConnection& conn,
                                                      const std::string& tenant_id,
                                                      const service::PreviewSample& sample,
                                                      TimestampUs now) {
  std::vector<LoggedRequest> out;
  const TimestampUs newest = sample.to.value_or(now + 1);
  const TimestampUs oldest = sample.from.value_or(newest - kPreviewLookBackUs);
  RETURN_IF_ERROR(InTenantReadTransaction(conn, tenant_id, [&](PgConnection& c) {
    TimestampUs upper = newest, window = kFirstWindowUs;
    while (upper > oldest && static_cast<int64_t>(out.size()) < sample.last) {
      const TimestampUs lower = std::max(oldest, upper - window);
      RETURN_IF_ERROR(ReadWindow(c, tenant_id, sample.surface, lower, upper,
                                 sample.last - static_cast<int64_t>(out.size()), out));
      upper = lower;
      window *= 8;
    }
    return ReadClicks(c, tenant_id, out);
  }));
  return out;
}

Result<std::vector<LoggedRequest>> PgExposureSample::Read(const std::string& tenant_id,
                                                          const service::PreviewSample& sample,
                                                          TimestampUs now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto conn = conn_.Get();
  if (!conn.ok()) return Status::Unavailable("the database is unavailable; retry later");
  auto sample_rows = ReadExposureSample(*conn.value(), tenant_id, sample, now);
  if (!sample_rows.ok()) {
    conn_.Reset();  // a failed read may have left the connection unusable
    if (sample_rows.status().code() == StatusCode::kUnavailable) {
      return Status::Unavailable("the database is unavailable; retry later");
    }
  }
  return sample_rows;
}

}  // namespace recsys::store
