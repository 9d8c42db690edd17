#include "store/change_notice.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace recsys::store {
namespace {

constexpr const char* kScopeNames[] = {"control", "catalog", "signals", "all"};

}  // namespace

std::string EncodeChangeNotice(const ChangeNotice& notice) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("tenant");
  w.String(notice.tenant.data(), static_cast<rapidjson::SizeType>(notice.tenant.size()));
  w.Key("scope");
  w.String(kScopeNames[static_cast<int>(notice.scope)]);
  if (notice.lsn != 0) {
    w.Key("lsn");
    w.String(FormatWalPosition(notice.lsn).c_str());
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<ChangeNotice> ParseChangeNotice(std::string_view payload) {
  rapidjson::Document doc;
  doc.Parse(payload.data(), payload.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto scope = doc.FindMember("scope");
  if (scope == doc.MemberEnd() || !scope->value.IsString()) return std::nullopt;
  ChangeNotice notice;
  const std::string_view name(scope->value.GetString(), scope->value.GetStringLength());
  bool known = false;
  for (int s = 0; s < 4; ++s) {
    if (name == kScopeNames[s]) {
      notice.scope = static_cast<ChangeScope>(s);
      known = true;
    }
  }
  if (!known) return std::nullopt;
  auto tenant = doc.FindMember("tenant");
  if (tenant != doc.MemberEnd() && tenant->value.IsString()) {
    notice.tenant.assign(tenant->value.GetString(), tenant->value.GetStringLength());
  }
  if (notice.scope != ChangeScope::kAll && notice.tenant.empty()) return std::nullopt;
  auto lsn = doc.FindMember("lsn");
  if (lsn != doc.MemberEnd() && lsn->value.IsString()) {
    notice.lsn =
        ParseWalPosition({lsn->value.GetString(), lsn->value.GetStringLength()}).value_or(0);
  }
  return notice;
}

Status SendChangeNotice(PgConnection& conn, const ChangeNotice& notice) {
  if (notice.scope == ChangeScope::kSignals || notice.scope == ChangeScope::kCatalog) {
    auto bumped = conn.Query(
        "INSERT INTO tenant_signal_versions (tenant_id, version) "
        "SELECT id, 1 FROM tenants WHERE external_id = $1 "
        "ON CONFLICT (tenant_id) DO UPDATE "
        "SET version = tenant_signal_versions.version + 1, changed_at = now()",
        {notice.tenant});
    if (!bumped.ok()) return bumped.status();
  }
  // The position is the server's, read in the statement that sends the notice; it goes last,
  // in place of the closing brace.
  std::string head = EncodeChangeNotice({notice.tenant, notice.scope, 0});
  head.pop_back();
  return conn
      .Query(
          "SELECT pg_notify('recsys_changes', $1::text || ',\"lsn\":\"' || "
          "pg_current_wal_lsn()::text || "
          "'\"}')",
          {head})
      .status();
}

}  // namespace recsys::store
