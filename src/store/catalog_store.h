// service::CatalogStore on PostgreSQL (item_tags). Each call is one transaction: the rows, one
// audit_log row with counts, and a `catalog` change notice. Thread-safe: calls serialize on one
// connection (catalog writes are rare next to serving).
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "service/catalog_service.h"
#include "store/connection_defaults.h"
#include "store/pg.h"

namespace recsys::store {

class PgCatalogStore : public service::CatalogStore {
 public:
  explicit PgCatalogStore(std::string database_url)
      : conn_(std::move(database_url), kCatalogSession.connect_timeout_s,
              kCatalogSession.server_options) {}

  Status Upsert(const service::CatalogTenant& tenant, std::span<const CatalogItem> items,
                int rejected, const service::Actor& actor) override;
  Status Remove(const service::CatalogTenant& tenant, const std::string& ns,
                const std::string& item_id, const service::Actor& actor) override;

 private:
  // Runs `body` between BEGIN and COMMIT (ROLLBACK on error) on the shared connection.
  Status InTransaction(const std::function<Status(PgConnection&)>& body);

  std::mutex mu_;
  ReconnectingConnection conn_;  // guarded by mu_
};

}  // namespace recsys::store
