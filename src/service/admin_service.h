// The admin use cases (api.md "Admin"): config and rules with ETags, versions and rollback,
// audit pages, cache invalidation. Validation happens here (core parsers); storage, audit and
// NOTIFY happen in the AdminRepository. Thread-safe when the repository is.
//
// Errors: kPermissionDenied (the tenant is unknown, suspended or deleted), kInvalidArgument (a
// body that is not one JSON object), kUnprocessable (a document or parameter that breaks a rule;
// reason RECSYS_INVALID_CONFIG / _RULES / _TARGETS where api.md names one), kConflict (a stale
// If-Match), kNotFound, kUnavailable (the database; its details are not passed on).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/admin_repository.h"
#include "service/serving_state.h"

namespace recsys::service {

struct Invalidation {
  int64_t event_id = 0;
  std::vector<std::string> targets;  // expanded ("all" becomes every target)
  std::string surface;
  std::vector<std::pair<std::string, int>> invalidated;  // target -> cached entries dropped here
};

// What the console's overview shows: the tenant's published serving state and recent activity.
struct TenantOverview {
  TenantRef tenant;
  std::string config_etag, rules_etag;
  TimestampUs signals_loaded_at = 0;
  bool warm_started = false;
  struct Surface {
    std::string name;
    size_t items = 0, tags = 0, memory_bytes = 0;
  };
  std::vector<Surface> surfaces;  // by name
  Activity activity;
  std::vector<DoctorCheck> checks;  // the doctor's, for the requested surface
};

// A key just created: what is listed, and the key itself, shown this once.
struct CreatedApiKey {
  ApiKeyInfo info;
  std::string key;
};

class AdminService {
 public:
  // Makes this instance reload at once what an admin call changed (other instances follow the
  // NOTIFY): the control state, and with `signals` the named tenant's snapshots too.
  using ReloadFn = std::function<void(const std::string& tenant_external_id, bool signals)>;
  // REQUIRES: `repo` and `state` outlive the service. `api_key_secret`: the server's
  // RECSYS_API_KEY_SECRET (keys are stored as its HMAC); empty: keys cannot be created here.
  AdminService(AdminRepository& repo, const StateHolder& state, ReloadFn reload_local,
               std::string api_key_secret = "");

  // The addressed tenant; unknown, suspended and deleted tenants are the same 403.
  Result<TenantRef> Tenant(const std::string& external_id) const;

  Result<DocVersion> Get(const TenantRef& tenant, DocKind kind) const;
  // Validates and saves `body` (the whole document). `if_match`: the ETag the caller last saw.
  Result<DocVersion> Put(const TenantRef& tenant, DocKind kind, std::string_view body,
                         const std::optional<std::string>& if_match, const Actor& actor) const;
  // `body`: {"version": "<etag>"}.
  Result<DocVersion> Rollback(const TenantRef& tenant, DocKind kind, std::string_view body,
                              const std::optional<std::string>& if_match, const Actor& actor) const;
  // The version `etag` with its document; kNotFound when the tenant has none such.
  Result<DocVersion> Version(const TenantRef& tenant, DocKind kind, std::string_view etag) const;
  Result<std::vector<DocVersion>> Versions(const TenantRef& tenant, DocKind kind,
                                           std::string_view limit, std::string_view offset) const;
  // Query values as given (strings from the URL); validated here. Empty `action` / `actor`:
  // every entry.
  Result<std::string> Audit(const TenantRef& tenant, std::string_view limit,
                            std::string_view before, std::string_view before_id,
                            std::string_view action = {}, std::string_view actor = {}) const;
  // The tenant's serving state as this instance holds it, its last five minutes' activity, and
  // the doctor's checks for `surface` (empty: "default").
  Result<TenantOverview> Overview(const TenantRef& tenant, std::string_view surface = {}) const;
  Result<std::vector<ApiKeyInfo>> Keys(const TenantRef& tenant) const;
  // `body`: {"name"?: "...", "roles": ["viewer" | "operator" | "admin", ...], "expires_in_days"?:
  // 0..3650}. Errors: kUnprocessable (the body), kUnavailable (no key secret configured).
  Result<CreatedApiKey> CreateKey(const TenantRef& tenant, std::string_view body,
                                  const Actor& actor) const;
  // kNotFound when `key_id` is not one of the tenant's keys.
  Result<ApiKeyInfo> RevokeKey(const TenantRef& tenant, std::string_view key_id,
                               const Actor& actor) const;
  // Evaluation reports, newest first, without bodies; query values as given.
  Result<std::vector<EvalReport>> Reports(const TenantRef& tenant, std::string_view limit,
                                          std::string_view offset) const;
  // One report with its bodies; kNotFound when `id` is not one of the tenant's reports.
  Result<EvalReport> Report(const TenantRef& tenant, std::string_view id) const;
  // The tenant's kept signal versions, newest first, and its pin.
  Result<SignalVersions> ListSignalVersions(const TenantRef& tenant) const;
  // `body`: {"version": <a kept version's number>}: every instance serves that version until
  // unpinned. Errors: kUnprocessable (the body), kNotFound (no such version is kept).
  Result<SignalPin> RollbackSignals(const TenantRef& tenant, std::string_view body,
                                    const Actor& actor) const;
  // Back to the newest build; returns whether the tenant was pinned.
  Result<bool> UnpinSignals(const TenantRef& tenant, const Actor& actor) const;
  // `body`: {"targets": [...], "surface"?: "..."}.
  Result<Invalidation> Invalidate(const TenantRef& tenant, std::string_view body,
                                  const Actor& actor) const;

 private:
  AdminRepository& repo_;
  const StateHolder& state_;
  ReloadFn reload_local_;
  std::string api_key_secret_;
};

}  // namespace recsys::service
