// Admin routes about the tenant itself, under /v1/admin/tenants/{tenant_id}/:
//  - GET overview (viewer): status, config and rules ETags, this instance's snapshots per
//    surface and when they were loaded, events and exposures of the last five minutes;
//  - GET keys, POST keys, DELETE keys/{key_id} (admin): the tenant's API keys; a new key is in
//    the 201 answer once and never again; every change is audited.
#pragma once

#include "http/auth.h"
#include "http/router.h"
#include "service/admin_service.h"

namespace recsys::http {

// REQUIRES: `auth` and `admin` outlive the router.
void AddTenantRoutes(Router& router, const Authenticator& auth, const service::AdminService& admin);

}  // namespace recsys::http
