// The catalog use case (PUT /v1/catalog/items, DELETE /v1/catalog/items/{item_id}, `import
// catalog`): validate with core, write through a CatalogStore, which audits the call and tells
// every instance (serving then honours `available` within a second). Thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalog_item.h"
#include "service/admin_repository.h"
#include "service/serving_state.h"

namespace recsys::service {

struct CatalogTenant {
  std::string id;           // uuid
  std::string external_id;  // for change notices
};

class CatalogStore {
 public:
  virtual ~CatalogStore() = default;
  // Upserts `items` in one transaction with one audit row (counts) and a change notice.
  virtual Status Upsert(const CatalogTenant& tenant, std::span<const CatalogItem> items,
                        int rejected, const Actor& actor) = 0;
  // Drops the item's tags and marks it unavailable (a tombstone: its signals stay, it is never
  // served), audited and noticed.
  virtual Status Remove(const CatalogTenant& tenant, const std::string& ns,
                        const std::string& item_id, const Actor& actor) = 0;
};

struct CatalogResult {
  int upserted = 0;
  std::vector<Rejection> rejected;
};

class CatalogService {
 public:
  // REQUIRES: `holder` and `store` outlive the service.
  CatalogService(const StateHolder& holder, CatalogStore& store) : holder_(holder), store_(store) {}

  // Errors: kPermissionDenied (tenant), kInvalidArgument (body), kResourceExhausted (over 1000
  // items), kUnavailable (database).
  Result<CatalogResult> Put(std::string_view tenant_external_id, std::string_view body,
                            const Actor& actor) const;
  // Errors: kPermissionDenied, kInvalidArgument (item id or namespace), kUnavailable.
  Status Remove(std::string_view tenant_external_id, std::string_view item_id, std::string_view ns,
                const Actor& actor) const;

 private:
  Result<CatalogTenant> ActiveTenant(std::string_view external_id) const;

  const StateHolder& holder_;
  CatalogStore& store_;
};

}  // namespace recsys::service
