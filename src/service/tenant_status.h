// A tenant's lifecycle state (tenants.status). Only an active tenant is served; the others get 403
// everywhere, without saying which state they are in.
#pragma once

#include <optional>
#include <string_view>

namespace recsys::service {

enum class TenantStatus { kActive, kSuspended, kDeleted };

// The status named `name` (a label of the tenant_status enum); nullopt for any other text.
std::optional<TenantStatus> ParseTenantStatus(std::string_view name);
// The label of `status`.
const char* TenantStatusName(TenantStatus status);

}  // namespace recsys::service
