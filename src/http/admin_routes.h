// The admin API under /v1/admin/tenants/{tenant_id}/: config and rules (GET/PUT with ETag and
// If-Match, versions, rollback), audit, cache invalidation, signal versions
// (http/signal_version_routes.h). Roles: viewer may GET, operator may
// also write, admin may do everything; a caller bound to a tenant may address only that tenant.
#pragma once

#include "http/auth.h"
#include "http/router.h"
#include "service/admin_service.h"
#include "service/recommend_service.h"

namespace recsys::http {

// REQUIRES: `auth`, `admin` and `recommend` outlive the router.
void AddAdminRoutes(Router& router, const Authenticator& auth, const service::AdminService& admin,
                    const service::RecommendService& recommend);

// Whether `caller` holds `role` or a stronger one (viewer < operator < admin).
bool HasRole(const Caller& caller, std::string_view role);

}  // namespace recsys::http
