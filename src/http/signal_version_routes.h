// The admin API of signal versions (docs/signal-versions.md) under
// /v1/admin/tenants/{tenant_id}/signals/: `versions` (GET, viewer) lists the kept versions and the
// pin; `rollback` (POST {"version": N}, operator) pins serving to a kept version on every
// instance; `unpin` (POST, operator) returns to the newest build. Pins are audited.
#pragma once

#include "http/auth.h"
#include "http/router.h"
#include "service/admin_service.h"

namespace recsys::http {

// REQUIRES: `auth` and `admin` outlive the router.
void AddSignalVersionRoutes(Router& router, const Authenticator& auth,
                            const service::AdminService& admin);

}  // namespace recsys::http
