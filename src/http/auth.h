// Who is calling: the one small interface every authentication mode implements.
//
// This issue ships the dev-header mode only (X-Dev-User-Id / X-Dev-Org-Id, on when
// RECSYS_DEV_AUTH_ENABLED=true). Authenticate() is thread-safe.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "http/message.h"

namespace recsys::http {

struct Caller {
  std::string subject;  // user or key id, for audit
  std::string type;     // user | api_key | jwt
  std::string tenant;   // the tenant external id the credential belongs to; empty: any
  std::vector<std::string> roles;
};

struct AuthError {
  int status;  // 401 or 403
  std::string code;
  std::string detail;
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual std::variant<Caller, AuthError> Authenticate(const HttpRequest& request) const = 0;
};

// Trusts X-Dev-User-Id and X-Dev-Org-Id when `enabled`; otherwise every request is 401.
class DevHeaderAuthenticator : public Authenticator {
 public:
  explicit DevHeaderAuthenticator(bool enabled) : enabled_(enabled) {}
  std::variant<Caller, AuthError> Authenticate(const HttpRequest& request) const override;

 private:
  bool enabled_;
};

// The tenant a request addresses: X-Org-Id, else the caller's own. A caller bound to a tenant
// that addresses another gets 403. Returns the tenant external id or an error.
std::variant<std::string, AuthError> ResolveTenant(const HttpRequest& request,
                                                   const Caller& caller);

}  // namespace recsys::http
