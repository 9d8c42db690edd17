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

// The one answer (a 403) for a tenant the caller may not use, whatever the reason: unknown,
// suspended, deleted or another caller's. Saying which would reveal which tenants exist.
inline constexpr const char* kTenantNotServable = "tenant is unknown, suspended or not yours";

}  // namespace recsys::service
