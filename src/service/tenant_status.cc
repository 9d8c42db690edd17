#include "service/tenant_status.h"

namespace recsys::service {

std::optional<TenantStatus> ParseTenantStatus(std::string_view name) {
  if (name == "active") return TenantStatus::kActive;
  if (name == "suspended") return TenantStatus::kSuspended;
  if (name == "deleted") return TenantStatus::kDeleted;
  return std::nullopt;
}

const char* TenantStatusName(TenantStatus status) {
  switch (status) {
    case TenantStatus::kActive:
      return "active";
    case TenantStatus::kSuspended:
      return "suspended";
    case TenantStatus::kDeleted:
      return "deleted";
  }
  return "unknown";
}

}  // namespace recsys::service
