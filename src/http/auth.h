// Who is calling: the one small interface every authentication mode implements.
//
// Modes (api.md "Auth"): API keys (X-API-Key), bearer JWTs, and dev headers (X-Dev-User-Id /
// X-Dev-Org-Id, only when RECSYS_DEV_AUTH_ENABLED=true). Every refusal is the same 401 so that a
// caller learns nothing about why. Authenticate() is thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "crypto/jwt_verifier.h"
#include "http/message.h"
#include "service/serving_state.h"

namespace recsys::http {

struct Caller {
  std::string subject;  // user or key id, for audit
  std::string type;     // user | api_key | jwt
  std::string tenant;   // the tenant external id the credential belongs to; empty: any
  std::vector<std::string> roles;
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual Result<Caller> Authenticate(const HttpRequest& request) const = 0;
};

// Trusts X-Dev-User-Id and X-Dev-Org-Id when `enabled`; otherwise every request is 401.
class DevHeaderAuthenticator : public Authenticator {
 public:
  explicit DevHeaderAuthenticator(bool enabled) : enabled_(enabled) {}
  Result<Caller> Authenticate(const HttpRequest& request) const override;

 private:
  bool enabled_;
};

// X-API-Key: looked up by keyed hash in the published state (no SQL). Unknown, revoked and
// expired keys are one 401. `on_used(key_id)` is told about each successful use.
class ApiKeyAuthenticator : public Authenticator {
 public:
  ApiKeyAuthenticator(const service::StateHolder& state, std::string secret,
                      std::function<void(const std::string& key_id)> on_used);
  Result<Caller> Authenticate(const HttpRequest& request) const override;

 private:
  const service::StateHolder& state_;
  std::string secret_;
  std::function<void(const std::string&)> on_used_;
};

// Authorization: Bearer <JWT>.
class BearerAuthenticator : public Authenticator {
 public:
  explicit BearerAuthenticator(crypto::JwtOptions options) : verifier_(std::move(options)) {}
  bool enabled() const { return verifier_.enabled(); }
  Result<Caller> Authenticate(const HttpRequest& request) const override;

 private:
  crypto::JwtVerifier verifier_;
};

// Picks the mode by the credential the request carries: X-API-Key, else a bearer token, else
// dev headers; a mode that is not configured answers 401.
class ChainAuthenticator : public Authenticator {
 public:
  // Any of the three may be null (that mode is off).
  ChainAuthenticator(const Authenticator* api_key, const Authenticator* bearer,
                     const Authenticator* dev)
      : api_key_(api_key), bearer_(bearer), dev_(dev) {}
  Result<Caller> Authenticate(const HttpRequest& request) const override;

 private:
  const Authenticator* api_key_;
  const Authenticator* bearer_;
  const Authenticator* dev_;
};

// The tenant a request addresses: X-Org-Id, else the caller's own. A caller bound to a tenant
// that addresses another gets 403. Returns the tenant external id or an error.
// Errors: kInvalidArgument (two X-Org-Id headers), kPermissionDenied.
Result<std::string> ResolveTenant(const HttpRequest& request, const Caller& caller);

}  // namespace recsys::http
