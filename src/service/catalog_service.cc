#include "service/catalog_service.h"

#include "core/rules.h"

namespace recsys::service {

Result<CatalogTenant> CatalogService::ActiveTenant(std::string_view external_id) const {
  const auto state = holder_.Get();
  const TenantState* tenant = state->FindActive(external_id);
  if (tenant == nullptr) return Status::PermissionDenied(kTenantNotServable);
  return CatalogTenant{tenant->id, tenant->external_id};
}

Result<CatalogResult> CatalogService::Put(std::string_view tenant_external_id,
                                          std::string_view body, const Actor& actor) const {
  auto tenant = ActiveTenant(tenant_external_id);
  if (!tenant.ok()) return tenant.status();
  auto batch = ParseCatalogBatch(body);
  if (!batch.ok()) return batch.status();
  CatalogResult result;
  result.rejected = std::move(batch.value().rejected);
  if (!batch.value().items.empty()) {
    RETURN_IF_ERROR(store_.Upsert(tenant.value(), batch.value().items,
                                  static_cast<int>(result.rejected.size()), actor));
  }
  result.upserted = static_cast<int>(batch.value().items.size());
  return result;
}

Status CatalogService::Remove(std::string_view tenant_external_id, std::string_view item_id,
                              std::string_view ns, const Actor& actor) const {
  auto tenant = ActiveTenant(tenant_external_id);
  if (!tenant.ok()) return tenant.status();
  if (!IsValidId(item_id)) {
    return Status::InvalidArgument("item_id: must be 1..256 printable characters");
  }
  if (!IsValidId(ns) || ns.size() > 64) {
    return Status::InvalidArgument("namespace: must be 1..64 printable characters");
  }
  return store_.Remove(tenant.value(), std::string(ns), std::string(item_id), actor);
}

}  // namespace recsys::service
