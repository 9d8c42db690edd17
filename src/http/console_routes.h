// The admin console at /admin/: static files compiled into the binary (http/console_assets.h),
// served without credentials (they hold no data: the page calls the public admin and serving
// APIs with the operator's own key or token). Every answer carries a strict Content-Security-
// Policy: scripts and styles from this origin only (no inline script), API calls to this origin
// only, no frames of it elsewhere. GET /admin redirects to /admin/.
#pragma once

#include "http/router.h"

namespace recsys::http {

// The policy the console's files are served with.
extern const char* const kConsoleContentSecurityPolicy;

void AddConsoleRoutes(Router& router);

}  // namespace recsys::http
