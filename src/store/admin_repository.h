// service::AdminRepository on PostgreSQL.
//
// Admin traffic is rare, so one connection guarded by a mutex serves every caller (thread-safe;
// calls are serialized). A lost connection is reopened on the next call. With a read endpoint,
// the console's read pages (versions, audit, reports, activity, doctor) run on a second
// connection where store/read_endpoint.h says, and each write raises its floor to the write's
// WAL position, so that a page read right after a change shows it. Statements time out
// after 5 s (2 s waiting for a lock): a stuck database answers 503 instead of hanging a thread.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "service/admin_repository.h"
#include "store/connection_defaults.h"
#include "store/pg.h"
#include "store/read_endpoint.h"

namespace recsys::store {

class PgAdminRepository : public service::AdminRepository {
 public:
  // Admin statements run on the I/O threads: bounded by kAdminSession.
  // `spill_dir`: this server's exposure spill folder, which the doctor's checks look into.
  PgAdminRepository(std::string database_url, std::string spill_dir)
      : conn_(std::move(database_url), kAdminSession.connect_timeout_s,
              kAdminSession.server_options),
        read_conn_(conn_.url(), kAdminSession.connect_timeout_s, kAdminSession.server_options),
        spill_dir_(std::move(spill_dir)) {}

  // REQUIRES: called before any other call.
  void UseReadEndpoint(std::shared_ptr<ReadEndpoint> reads) { reads_ = std::move(reads); }

  Result<std::optional<service::TenantRef>> FindTenant(const std::string& external_id) override;
  Result<std::optional<service::DocVersion>> Current(const service::TenantRef& tenant,
                                                     service::DocKind kind) override;
  Result<service::DocVersion> Save(const service::TenantRef& tenant, service::DocKind kind,
                                   const std::string& document,
                                   const std::optional<std::string>& if_match,
                                   const std::string& comment,
                                   const service::Actor& actor) override;
  Result<service::DocVersion> Rollback(const service::TenantRef& tenant, service::DocKind kind,
                                       const std::string& etag,
                                       const std::optional<std::string>& if_match,
                                       const service::Actor& actor) override;
  Result<std::vector<service::DocVersion>> Versions(const service::TenantRef& tenant,
                                                    service::DocKind kind, int limit,
                                                    int offset) override;
  Result<std::string> AuditPage(const service::TenantRef& tenant,
                                const service::AuditQuery& query) override;
  Result<std::optional<service::DocVersion>> Version(const service::TenantRef& tenant,
                                                     service::DocKind kind,
                                                     const std::string& etag) override;
  Result<std::vector<service::ApiKeyInfo>> Keys(const service::TenantRef& tenant) override;
  Result<service::ApiKeyInfo> CreateKey(const service::TenantRef& tenant,
                                        const service::NewApiKey& key,
                                        const service::Actor& actor) override;
  Result<service::ApiKeyInfo> RevokeKey(const service::TenantRef& tenant, const std::string& key_id,
                                        const service::Actor& actor) override;
  Result<service::Activity> RecentActivity(const service::TenantRef& tenant, int minutes) override;
  Result<std::vector<service::DoctorCheck>> Diagnose(const service::TenantState& tenant,
                                                     const std::string& surface) override;
  Result<std::vector<service::EvalReport>> Reports(const service::TenantRef& tenant, int limit,
                                                   int offset) override;
  Result<std::optional<service::EvalReport>> Report(const service::TenantRef& tenant,
                                                    const std::string& id) override;
  Result<service::SignalVersions> ListSignalVersions(const service::TenantRef& tenant) override;
  Result<service::SignalPin> PinSignalVersion(const service::TenantRef& tenant, int64_t version,
                                              const service::Actor& actor) override;
  Result<bool> UnpinSignals(const service::TenantRef& tenant, const service::Actor& actor) override;
  Result<int64_t> RecordInvalidation(const service::TenantRef& tenant,
                                     const std::vector<std::string>& targets,
                                     const std::string& surface, bool signals,
                                     const service::Actor& actor) override;

 private:
  // Runs `body` with the connection inside one transaction; rolls back on error.
  template <typename T, typename Body>
  Result<T> InTransaction(Body&& body);
  template <typename Call>
  auto WithConnection(Call&& call) -> decltype(call(std::declval<PgConnection&>()));
  // Runs a read page's `call` where the read endpoint says (else as WithConnection); a standby
  // that cannot be reached is reported and the call retried once on the primary.
  template <typename Call>
  auto WithReadConnection(Call&& call) -> decltype(call(std::declval<PgConnection&>()));
  // After a committed write on `conn`: later read pages must see it.
  void RaiseReadFloor(PgConnection& conn);
  // Points `kind`'s current pointer at version `version_id`, audits and notifies.
  Status MakeCurrent(PgConnection& conn, const service::TenantRef& tenant, service::DocKind kind,
                     const std::string& version_id, const std::string& action,
                     const service::Actor& actor);
  Result<service::DocVersion> ReadVersion(PgConnection& conn, service::DocKind kind,
                                          const std::string& version_id);

  std::mutex mu_;
  ReconnectingConnection conn_;
  std::mutex read_mu_;  // guards read_conn_
  ReconnectingConnection read_conn_;
  std::shared_ptr<ReadEndpoint> reads_;
  std::string spill_dir_;
};

}  // namespace recsys::store
