// What the admin use cases need from storage. Implemented by store::PgAdminRepository against
// PostgreSQL. Every write is one transaction that also writes its audit_log row and NOTIFYs the
// other instances. Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "service/signal_version.h"
#include "service/tenant_status.h"

namespace recsys::service {

struct TenantState;  // service/serving_state.h

enum class DocKind { kConfig, kRules };

struct TenantRef {
  std::string id;           // uuid
  std::string external_id;  // what clients send
  TenantStatus status = TenantStatus::kActive;
  bool active() const { return status == TenantStatus::kActive; }
};

// Who did it, for the audit log.
struct Actor {
  std::string subject;
  std::string type;  // user | api_key | cli
  std::string request_id;
  std::string ip;
  std::string user_agent;
};

struct DocVersion {
  std::string etag;
  std::string document;    // JSON text; empty in version listings
  std::string created_at;  // RFC 3339, UTC
  std::string created_by;
  std::string comment;
  bool current = false;
};

struct AuditQuery {
  int limit = 100;
  std::optional<std::string> before;  // RFC 3339
  std::optional<int64_t> before_id;
  std::optional<std::string> action;  // only entries with this action ("config.update")
  std::optional<std::string> actor;   // only entries by this subject
};

// An API key as listed: never the key itself, nor its hash.
struct ApiKeyInfo {
  std::string id;  // uuid
  std::string name, prefix;
  std::vector<std::string> roles;
  std::string status;                                // active | revoked | expired
  std::string created_at, expires_at, last_used_at;  // RFC 3339; empty when none
};

// A key to store: its display prefix and keyed hash (crypto/api_key.h), never the key.
struct NewApiKey {
  std::string name;
  std::vector<std::string> roles;
  int expires_in_days = 0;  // 0: never
  std::string prefix, hash;
};

// One check of `doctor`: level ok | warn | fail, what was found, and what fixes it.
struct DoctorCheck {
  std::string level, name, detail, fix;
};

// Rows written to the tenant's logs in the last `minutes` minutes.
struct Activity {
  int minutes = 0;
  int64_t events = 0, exposures = 0;
};

// An evaluation report (`eval offline` / `eval experiment`), as stored. Listings leave the bodies
// (report_json, markdown, html) empty.
struct EvalReport {
  std::string id;    // uuid
  std::string kind;  // offline | experiment | offpolicy | preview
  std::string title;
  std::string created_at;  // RFC 3339, UTC
  std::string created_by;
  std::string summary_json;  // a small JSON object: the verdict or the best config
  std::string report_json, markdown, html;
};

class AdminRepository {
 public:
  virtual ~AdminRepository() = default;

  virtual Result<std::optional<TenantRef>> FindTenant(const std::string& external_id) = 0;
  // The current version, or nullopt when the tenant has none yet.
  virtual Result<std::optional<DocVersion>> Current(const TenantRef& tenant, DocKind kind) = 0;
  // Stores `document` (reusing an identical existing version) and makes it current. kConflict
  // when `if_match` is given and is not the current ETag.
  virtual Result<DocVersion> Save(const TenantRef& tenant, DocKind kind,
                                  const std::string& document,
                                  const std::optional<std::string>& if_match,
                                  const std::string& comment, const Actor& actor) = 0;
  // Makes the existing version `etag` current. kNotFound when there is no such version;
  // kConflict as Save.
  virtual Result<DocVersion> Rollback(const TenantRef& tenant, DocKind kind,
                                      const std::string& etag,
                                      const std::optional<std::string>& if_match,
                                      const Actor& actor) = 0;
  // The version `etag` with its document, or nullopt when the tenant has none such.
  virtual Result<std::optional<DocVersion>> Version(const TenantRef& tenant, DocKind kind,
                                                    const std::string& etag) = 0;
  // Versions newest first, without documents.
  virtual Result<std::vector<DocVersion>> Versions(const TenantRef& tenant, DocKind kind, int limit,
                                                   int offset) = 0;
  // A page of audit entries as a JSON object {tenant_id, entries, next_before?, next_before_id?}.
  virtual Result<std::string> AuditPage(const TenantRef& tenant, const AuditQuery& query) = 0;
  // Records a cache invalidation (and its audit row) and NOTIFYs; returns the event id.
  virtual Result<int64_t> RecordInvalidation(const TenantRef& tenant,
                                             const std::vector<std::string>& targets,
                                             const std::string& surface, bool signals,
                                             const Actor& actor) = 0;
  // The tenant's API keys, oldest first.
  virtual Result<std::vector<ApiKeyInfo>> Keys(const TenantRef& tenant) = 0;
  // Stores `key` with its audit row (key.create) and NOTIFYs, so every instance accepts it.
  virtual Result<ApiKeyInfo> CreateKey(const TenantRef& tenant, const NewApiKey& key,
                                       const Actor& actor) = 0;
  // Revokes the tenant's key `key_id` (a uuid) with its audit row (key.revoke) and NOTIFYs.
  // kNotFound when the tenant has no such key; revoking a revoked key changes nothing.
  virtual Result<ApiKeyInfo> RevokeKey(const TenantRef& tenant, const std::string& key_id,
                                       const Actor& actor) = 0;
  // The doctor's checks of `tenant` (its state as this instance serves it) for `surface`.
  virtual Result<std::vector<DoctorCheck>> Diagnose(const TenantState& tenant,
                                                    const std::string& surface) = 0;
  // Events and exposures written in the last `minutes` minutes.
  virtual Result<Activity> RecentActivity(const TenantRef& tenant, int minutes) = 0;
  // The tenant's reports, newest first, without bodies.
  virtual Result<std::vector<EvalReport>> Reports(const TenantRef& tenant, int limit,
                                                  int offset) = 0;
  // One report with its bodies, or nullopt when the tenant has no report `id` (a uuid).
  virtual Result<std::optional<EvalReport>> Report(const TenantRef& tenant,
                                                   const std::string& id) = 0;
  // The tenant's kept signal versions, newest first, and its pin (store/signal_versions.h).
  virtual Result<SignalVersions> ListSignalVersions(const TenantRef& tenant) = 0;
  // Pins the kept version `version` with its audit row (signals.rollback) and a `signals`
  // NOTIFY. kNotFound when no such version is kept.
  virtual Result<SignalPin> PinSignalVersion(const TenantRef& tenant, int64_t version,
                                             const Actor& actor) = 0;
  // Removes the pin (audited as signals.unpin, NOTIFYed); returns whether there was one.
  virtual Result<bool> UnpinSignals(const TenantRef& tenant, const Actor& actor) = 0;
};

}  // namespace recsys::service
