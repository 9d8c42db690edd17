// POST /v1/admin/tenants/{tenant_id}/preview (role operator): the impact preview of a draft
// config and/or rules (service/impact_preview.h). The body is parsed and the drafts validated on
// the I/O thread (a draft that does not validate is a 422 naming the field, at once); the replay
// runs on the PreviewRunner's worker and the response is written when it is done (a deferred
// route: the I/O thread serves other requests meanwhile). 429 with Retry-After while a preview
// of the tenant runs; 503 with Retry-After when the database is unavailable or previews are
// busy. Nothing is saved or audited: a preview changes nothing.
#pragma once

#include "http/auth.h"
#include "http/router.h"
#include "service/admin_service.h"
#include "service/preview_runner.h"

namespace recsys::http {

// REQUIRES: `auth`, `admin` and `runner` outlive the router, and the runner is stopped before
// the server (so that no answer arrives after the server's threads are gone).
void AddPreviewRoutes(Router& router, const Authenticator& auth, const service::AdminService& admin,
                      service::PreviewRunner& runner);

}  // namespace recsys::http
