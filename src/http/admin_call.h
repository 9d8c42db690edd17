// The common first steps of every admin route: authenticate, check that a tenant-bound caller
// addresses its own tenant, check the role, resolve the tenant; then the route's own work.
#pragma once

#include <string>
#include <string_view>

#include "http/admin_routes.h"
#include "http/problem.h"
#include "service/admin_service.h"

namespace recsys::http {

// Authenticates, checks the role and the tenant; on success calls `handle(tenant, actor)`.
template <typename Handle>
HttpResponse Admin(const Authenticator& auth, const service::AdminService& admin,
                   HttpRequest& request, std::string_view role, Handle&& handle) {
  auto caller = auth.Authenticate(request);
  if (!caller.ok()) return StatusProblem(caller.status(), request);
  const Caller& who = caller.value();
  const std::string path_tenant(request.PathParam("tenant_id"));
  if (!who.tenant.empty() && who.tenant != path_tenant) {
    return StatusProblem(Status::PermissionDenied(service::kTenantNotServable), request);
  }
  if (!HasRole(who, role)) {
    return StatusProblem(Status::PermissionDenied("this needs the " + std::string(role) + " role"),
                         request);
  }
  auto tenant = admin.Tenant(path_tenant);
  if (!tenant.ok()) return StatusProblem(tenant.status(), request);
  service::Actor actor{who.subject, who.type, request.request_id, std::string(request.remote_ip),
                       std::string(request.Header("User-Agent"))};
  return handle(tenant.value(), actor);
}

}  // namespace recsys::http
