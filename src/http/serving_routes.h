// POST /v1/recommend, /v1/recommend/validate and /v1/similar: authentication, tenant resolution,
// content-type check, the service call, and the JSON response (api.md part A).
#pragma once

#include "http/auth.h"
#include "http/router.h"
#include "service/recommend_service.h"

namespace recsys::http {

// REQUIRES: `auth` and `service` outlive the router.
void AddServingRoutes(Router& router, const Authenticator& auth,
                      const service::RecommendService& service);

}  // namespace recsys::http
