// service::ExposureSampleSource on PostgreSQL: the newest logged requests of a tenant from
// exposure_events, read in time windows that grow backwards from the newest (1 hour, then 8
// times longer each step), so that each query is bounded by occurred_at (the table's BRIN index)
// and a busy tenant's last N rows never need a scan of its whole history. Rows logged while
// exploring come with their clicks (interaction_events naming their request_id, up to a day
// later). Every read runs in a read-only transaction scoped to the tenant by row-level security.
// Thread-safe: calls serialize on one connection (previews are rare and one per tenant at a time).
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "service/impact_preview.h"
#include "store/connection_defaults.h"
#include "store/pg.h"

namespace recsys::store {

// How far back a sample without `from` looks, at most.
inline constexpr TimestampUs kPreviewLookBackUs = 400 * kMicrosPerDay;

class PgExposureSample : public service::ExposureSampleSource {
 public:
  explicit PgExposureSample(std::string database_url)
      : conn_(std::move(database_url), kPreviewSession.connect_timeout_s,
              kPreviewSession.server_options) {}

  Result<std::vector<service::LoggedRequest>> Read(const std::string& tenant_id,
                                                   const service::PreviewSample& sample,
                                                   TimestampUs now) override;

 private:
  std::mutex mu_;
  ReconnectingConnection conn_;  // guarded by mu_
};

// The same read on the caller's connection (for the CLI). Not thread-safe.
Result<std::vector<service::LoggedRequest>> ReadExposureSample(PgConnection& conn,
                                                               const std::string& tenant_id,
                                                               const service::PreviewSample& sample,
                                                               TimestampUs now);

}  // namespace recsys::store
