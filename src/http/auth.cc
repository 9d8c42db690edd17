#include "http/auth.h"

namespace recsys::http {

std::variant<Caller, AuthError> DevHeaderAuthenticator::Authenticate(
    const HttpRequest& request) const {
  const std::string_view user = request.Header("X-Dev-User-Id");
  const std::string_view org = request.Header("X-Dev-Org-Id");
  if (!enabled_) {
    return AuthError{401, "RECSYS_UNAUTHORIZED", "missing or invalid credentials"};
  }
  if (user.empty() || org.empty()) {
    return AuthError{401, "RECSYS_UNAUTHORIZED",
                     "dev auth needs both X-Dev-User-Id and X-Dev-Org-Id headers"};
  }
  return Caller{std::string(user), "user", std::string(org), {"admin"}};
}

std::variant<std::string, AuthError> ResolveTenant(const HttpRequest& request,
                                                   const Caller& caller) {
  const std::string_view org = request.Header("X-Org-Id");
  if (org.empty()) {
    if (caller.tenant.empty()) {
      return AuthError{403, "RECSYS_FORBIDDEN", "X-Org-Id is required"};
    }
    return caller.tenant;
  }
  if (!caller.tenant.empty() && caller.tenant != org) {
    return AuthError{403, "RECSYS_FORBIDDEN", "tenant is unknown, suspended or not yours"};
  }
  return std::string(org);
}

}  // namespace recsys::http
