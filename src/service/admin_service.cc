#include "service/admin_service.h"

#include <rapidjson/document.h>
#include "core/parse_number.h"
#include "core/strict_json.h"

#include <algorithm>
#include <cstdint>

#include "core/json_fields.h"
#include "core/rules.h"
#include "core/tenant_config.h"
#include "core/time.h"
#include "core/uuid.h"
#include "crypto/api_key.h"
#include "service/roles.h"

namespace recsys::service {
namespace {

constexpr const char* kTargets[] = {"config", "rules", "popularity", "covisit", "tags"};

// A query parameter's integer within [lo, hi] into *out.
bool ParseIntParam(std::string_view text, long long lo, long long hi, long long* out) {
  const std::optional<int64_t> value = ParseInt64In(text, lo, hi);
  if (value) *out = *value;
  return value.has_value();
}

// A page's `limit` (1..200, default 50) and `offset` (>= 0, default 0), as the URL gives them.
Result<std::pair<int, int>> ParsePage(std::string_view limit, std::string_view offset) {
  long long n = 50, skip = 0;
  if (!limit.empty() && !ParseIntParam(limit, 1, 200, &n)) {
    return Status::Unprocessable("limit: an integer from 1 to 200");
  }
  if (!offset.empty() && !ParseIntParam(offset, 0, 1000000, &skip)) {
    return Status::Unprocessable("offset: an integer >= 0");
  }
  return std::pair(static_cast<int>(n), static_cast<int>(skip));
}

// A repository error as callers see it: a stale ETag or a missing version as such; anything else
// is the database's trouble, told without its details.
Status StorageError(const Status& status) {
  switch (status.code()) {
    case StatusCode::kConflict:
    case StatusCode::kNotFound:
      return status;
    case StatusCode::kUnavailable:
      return Status::Unavailable("the database is unavailable; retry later");
    default:
      return Status::Unavailable("storage error; retry later");
  }
}

}  // namespace

AdminService::AdminService(AdminRepository& repo, const StateHolder& state, ReloadFn reload_local,
                           std::string api_key_secret)
    : repo_(repo),
      state_(state),
      reload_local_(std::move(reload_local)),
      api_key_secret_(std::move(api_key_secret)) {}

Result<TenantRef> AdminService::Tenant(const std::string& external_id) const {
  auto tenant = repo_.FindTenant(external_id);
  if (!tenant.ok()) return StorageError(tenant.status());
  if (!tenant.value() || !tenant.value()->active()) {
    return Status::PermissionDenied(kTenantNotServable);
  }
  return *tenant.value();
}

Result<DocVersion> AdminService::Get(const TenantRef& tenant, DocKind kind) const {
  auto current = repo_.Current(tenant, kind);
  if (!current.ok()) return StorageError(current.status());
  if (!current.value()) {
    return Status::NotFound(std::string("tenant has no ") +
                            (kind == DocKind::kConfig ? "config" : "rules") + " yet");
  }
  return *current.value();
}

Result<DocVersion> AdminService::Put(const TenantRef& tenant, DocKind kind, std::string_view body,
                                     const std::optional<std::string>& if_match,
                                     const Actor& actor) const {
  std::string document(body);
  // A body that is not one unambiguous JSON document is a 400; a document that breaks a rule, 422.
  {
    rapidjson::Document parsed;
    RETURN_IF_ERROR(ParseStrictJson(body, &parsed));
  }
  if (kind == DocKind::kConfig) {
    auto config = ParseTenantConfig(body);
    if (!config.ok())
      return Status::Unprocessable(config.status().message()).WithReason("RECSYS_INVALID_CONFIG");
  } else {
    auto rules = ParseRules(body);
    if (!rules.ok())
      return Status::Unprocessable(rules.status().message()).WithReason("RECSYS_INVALID_RULES");
    document = WithRuleIds(body);
  }
  auto saved = repo_.Save(tenant, kind, document, if_match, "", actor);
  if (!saved.ok()) return StorageError(saved.status());
  reload_local_(tenant.external_id, false);
  return std::move(saved).value();
}

Result<DocVersion> AdminService::Rollback(const TenantRef& tenant, DocKind kind,
                                          std::string_view body,
                                          const std::optional<std::string>& if_match,
                                          const Actor& actor) const {
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseStrictJsonObject(body, &doc));
  const rapidjson::Value* version = json::Member(doc, "version");
  if (version == nullptr || !version->IsString() || version->GetStringLength() == 0) {
    return Status::Unprocessable("version: required, the ETag to restore");
  }
  auto restored = repo_.Rollback(tenant, kind, version->GetString(), if_match, actor);
  if (!restored.ok()) return StorageError(restored.status());
  reload_local_(tenant.external_id, false);
  return std::move(restored).value();
}

Result<DocVersion> AdminService::Version(const TenantRef& tenant, DocKind kind,
                                         std::string_view etag) const {
  auto version = repo_.Version(tenant, kind, std::string(etag));
  if (!version.ok()) return StorageError(version.status());
  if (!version.value()) return Status::NotFound("no version " + std::string(etag));
  return std::move(*version.value());
}

Result<std::vector<DocVersion>> AdminService::Versions(const TenantRef& tenant, DocKind kind,
                                                       std::string_view limit,
                                                       std::string_view offset) const {
  auto page = ParsePage(limit, offset);
  if (!page.ok()) return page.status();
  auto versions = repo_.Versions(tenant, kind, page.value().first, page.value().second);
  if (!versions.ok()) return StorageError(versions.status());
  return std::move(versions).value();
}

Result<std::vector<EvalReport>> AdminService::Reports(const TenantRef& tenant,
                                                      std::string_view limit,
                                                      std::string_view offset) const {
  auto page = ParsePage(limit, offset);
  if (!page.ok()) return page.status();
  auto reports = repo_.Reports(tenant, page.value().first, page.value().second);
  if (!reports.ok()) return StorageError(reports.status());
  return std::move(reports).value();
}

Result<EvalReport> AdminService::Report(const TenantRef& tenant, std::string_view id) const {
  if (!IsUuid(id)) return Status::NotFound("no such report");
  auto report = repo_.Report(tenant, std::string(id));
  if (!report.ok()) return StorageError(report.status());
  if (!report.value()) return Status::NotFound("no such report");
  return std::move(*report.value());
}

Result<std::string> AdminService::Audit(const TenantRef& tenant, std::string_view limit,
                                        std::string_view before, std::string_view before_id,
                                        std::string_view action, std::string_view actor) const {
  AuditQuery query;
  if (!action.empty()) query.action = std::string(action);
  if (!actor.empty()) query.actor = std::string(actor);
  long long n = 100;
  if (!limit.empty() && !ParseIntParam(limit, 1, 200, &n)) {
    return Status::Unprocessable("limit: an integer from 1 to 200");
  }
  query.limit = static_cast<int>(n);
  if (!before.empty()) {
    if (!ParseRfc3339(before)) {
      return Status::Unprocessable("before: an RFC 3339 timestamp");
    }
    query.before = std::string(before);
  }
  if (!before_id.empty()) {
    long long id = 0;
    if (before.empty() || !ParseIntParam(before_id, 0, INT64_MAX, &id)) {
      return Status::Unprocessable("before_id: an integer, given together with before");
    }
    query.before_id = id;
  }
  auto page = repo_.AuditPage(tenant, query);
  if (!page.ok()) return StorageError(page.status());
  return std::move(page).value();
}

Result<TenantOverview> AdminService::Overview(const TenantRef& tenant,
                                              std::string_view surface) const {
  constexpr int kActivityMinutes = 5;
  TenantOverview overview;
  overview.tenant = tenant;
  auto activity = repo_.RecentActivity(tenant, kActivityMinutes);
  if (!activity.ok()) return StorageError(activity.status());
  overview.activity = activity.value();
  const std::shared_ptr<const ServingState> state = state_.Get();
  const TenantState* t = state->FindActive(tenant.external_id);
  if (t == nullptr) return overview;  // not served here (yet): no snapshots, nothing to check
  overview.config_etag = t->config_etag;
  overview.rules_etag = t->rules_etag;
  overview.signals_loaded_at = t->signals_loaded_at;
  overview.warm_started = t->warm_started;
  for (const auto& [name, snapshot] : t->snapshots) {
    overview.surfaces.push_back(
        {name, snapshot->item_count(), snapshot->tag_count(), snapshot->MemoryBytes()});
  }
  std::sort(overview.surfaces.begin(), overview.surfaces.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  auto checks = repo_.Diagnose(*t, surface.empty() ? "default" : std::string(surface));
  if (!checks.ok()) return StorageError(checks.status());
  overview.checks = std::move(checks).value();
  return overview;
}

Result<std::vector<ApiKeyInfo>> AdminService::Keys(const TenantRef& tenant) const {
  auto keys = repo_.Keys(tenant);
  if (!keys.ok()) return StorageError(keys.status());
  return std::move(keys).value();
}

Result<CreatedApiKey> AdminService::CreateKey(const TenantRef& tenant, std::string_view body,
                                              const Actor& actor) const {
  if (api_key_secret_.empty()) {
    return Status::Unavailable(
        "API keys cannot be created on this server: RECSYS_API_KEY_SECRET is not set");
  }
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseStrictJsonObject(body, &doc));
  NewApiKey key;
  RETURN_IF_ERROR(json::ReadString(doc, "name", "", &key.name));
  RETURN_IF_ERROR(json::ReadInt(doc, "expires_in_days", "", 0, 3650, &key.expires_in_days));
  const rapidjson::Value* roles = json::Member(doc, "roles");
  if (roles != nullptr && roles->IsArray()) {
    for (const rapidjson::Value& role : roles->GetArray()) {
      key.roles.emplace_back(role.IsString() ? role.GetString() : "");
    }
  }
  if (Status checked = CheckRoles(key.roles); !checked.ok()) {
    return Status::Unprocessable(checked.message());
  }
  CreatedApiKey created;
  created.key = crypto::NewApiKey();
  key.prefix = crypto::ApiKeyPrefix(created.key);
  key.hash = crypto::ApiKeyHash(api_key_secret_, created.key);
  auto info = repo_.CreateKey(tenant, key, actor);
  if (!info.ok()) return StorageError(info.status());
  created.info = std::move(info).value();
  reload_local_(tenant.external_id, false);
  return created;
}

Result<ApiKeyInfo> AdminService::RevokeKey(const TenantRef& tenant, std::string_view key_id,
                                           const Actor& actor) const {
  if (!IsUuid(key_id)) return Status::NotFound("no such key");
  auto info = repo_.RevokeKey(tenant, std::string(key_id), actor);
  if (!info.ok()) return StorageError(info.status());
  reload_local_(tenant.external_id, false);
  return std::move(info).value();
}

Result<Invalidation> AdminService::Invalidate(const TenantRef& tenant, std::string_view body,
                                              const Actor& actor) const {
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseStrictJsonObject(body, &doc));
  Invalidation out;
  const rapidjson::Value* targets = json::Member(doc, "targets");
  if (targets == nullptr || !targets->IsArray() || targets->Empty()) {
    return Status::Unprocessable("targets: a non-empty array").WithReason("RECSYS_INVALID_TARGETS");
  }
  for (rapidjson::SizeType i = 0; i < targets->Size(); ++i) {
    const auto& t = (*targets)[i];
    const std::string name = t.IsString() ? t.GetString() : "";
    const bool known = std::any_of(std::begin(kTargets), std::end(kTargets),
                                   [&](const char* k) { return name == k; });
    if (name == "all") {
      out.targets.assign(std::begin(kTargets), std::end(kTargets));
      break;
    }
    if (!known) {
      return Status::Unprocessable("targets[" + std::to_string(i) +
                                   "]: must be config, rules, popularity, covisit, tags or all")
          .WithReason("RECSYS_INVALID_TARGETS");
    }
    if (std::find(out.targets.begin(), out.targets.end(), name) == out.targets.end()) {
      out.targets.push_back(name);
    }
  }
  if (const rapidjson::Value* surface = json::Member(doc, "surface")) {
    if (!surface->IsString()) {
      return Status::InvalidArgument("surface: must be a string");
    }
    out.surface = surface->GetString();
  }
  const bool signals = std::any_of(
      out.targets.begin(), out.targets.end(),
      [](const std::string& t) { return t == "popularity" || t == "covisit" || t == "tags"; });
  auto id = repo_.RecordInvalidation(tenant, out.targets, out.surface, signals, actor);
  if (!id.ok()) return StorageError(id.status());
  out.event_id = id.value();

  // What this instance drops: the tenant's compiled config/rules, and its snapshots (all, or
  // the surface's), which the reload below rebuilds.
  auto state = state_.Get();
  const TenantState* cached = state->Find(tenant.external_id);
  for (const std::string& target : out.targets) {
    int count = 0;
    if (cached != nullptr) {
      if (target == "config" || target == "rules") {
        count = 1;
      } else if (out.surface.empty()) {
        count = static_cast<int>(cached->snapshots.size());
      } else {
        count = cached->snapshots.count(out.surface) ? 1 : 0;
      }
    }
    out.invalidated.emplace_back(target, count);
  }
  reload_local_(tenant.external_id, signals);
  return out;
}

Result<SignalVersions> AdminService::ListSignalVersions(const TenantRef& tenant) const {
  auto versions = repo_.ListSignalVersions(tenant);
  if (!versions.ok()) return StorageError(versions.status());
  return std::move(versions).value();
}

Result<SignalPin> AdminService::RollbackSignals(const TenantRef& tenant, std::string_view body,
                                                const Actor& actor) const {
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseStrictJsonObject(body, &doc));
  const rapidjson::Value* version = json::Member(doc, "version");
  if (version == nullptr || !version->IsInt64() || version->GetInt64() < 1) {
    return Status::Unprocessable("version: required, a kept signal version's number (>= 1)");
  }
  auto pin = repo_.PinSignalVersion(tenant, version->GetInt64(), actor);
  if (!pin.ok()) return StorageError(pin.status());
  reload_local_(tenant.external_id, true);
  return std::move(pin).value();
}

Result<bool> AdminService::UnpinSignals(const TenantRef& tenant, const Actor& actor) const {
  auto removed = repo_.UnpinSignals(tenant, actor);
  if (!removed.ok()) return StorageError(removed.status());
  if (removed.value()) reload_local_(tenant.external_id, true);
  return removed.value();
}

}  // namespace recsys::service
