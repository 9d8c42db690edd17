#include "http/auth.h"

#include "core/time.h"
#include "crypto/api_key.h"
#include "service/tenant_status.h"

namespace recsys::http {
namespace {

Status Unauthorized() { return Status::Unauthenticated("missing or invalid credentials"); }

}  // namespace

ApiKeyAuthenticator::ApiKeyAuthenticator(const service::StateHolder& state, std::string secret,
                                         std::function<void(const std::string&)> on_used)
    : state_(state), secret_(std::move(secret)), on_used_(std::move(on_used)) {}

Result<Caller> ApiKeyAuthenticator::Authenticate(const HttpRequest& request) const {
  const std::string_view key = request.Header("X-API-Key");
  if (key.empty() || key.size() > 256) return Unauthorized();
  // The lookup is by a keyed hash, so its timing says nothing about stored keys.
  const std::string hash = crypto::ApiKeyHash(secret_, key);
  auto state = state_.Get();
  auto it = state->api_keys.find(hash);
  if (it == state->api_keys.end() || !crypto::ConstantTimeEquals(it->first, hash)) {
    return Unauthorized();
  }
  const service::ApiKeyEntry& entry = it->second;
  if (entry.expires_at && NowUs() >= *entry.expires_at) return Unauthorized();
  if (on_used_) on_used_(entry.id);
  return Caller{"key:" + entry.id, "api_key", entry.tenant, entry.roles};
}

Result<Caller> BearerAuthenticator::Authenticate(const HttpRequest& request) const {
  std::string_view header = request.Header("Authorization");
  if (header.size() < 8 || (header.substr(0, 7) != "Bearer " && header.substr(0, 7) != "bearer ")) {
    return Unauthorized();
  }
  auto claims = verifier_.Verify(header.substr(7), NowUs() / 1000000);
  if (!claims.ok()) return Unauthorized();
  const crypto::JwtClaims& c = claims.value();
  return Caller{c.subject.empty() ? "jwt" : c.subject, "jwt", c.tenant, c.roles};
}

Result<Caller> ChainAuthenticator::Authenticate(const HttpRequest& request) const {
  const Authenticator* mode = nullptr;
  if (!request.Header("X-API-Key").empty())
    mode = api_key_;
  else if (!request.Header("Authorization").empty())
    mode = bearer_;
  else
    mode = dev_;
  if (mode == nullptr) return Unauthorized();
  return mode->Authenticate(request);
}

Result<Caller> DevHeaderAuthenticator::Authenticate(const HttpRequest& request) const {
  const std::string_view user = request.Header("X-Dev-User-Id");
  const std::string_view org = request.Header("X-Dev-Org-Id");
  if (!enabled_) return Unauthorized();
  if (user.empty() || org.empty()) {
    return Status::Unauthenticated("dev auth needs both X-Dev-User-Id and X-Dev-Org-Id headers");
  }
  return Caller{std::string(user), "user", std::string(org), {"admin"}};
}

Result<std::string> ResolveTenant(const HttpRequest& request, const Caller& caller) {
  if (request.HeaderCount("X-Org-Id") > 1) {
    return Status::InvalidArgument("X-Org-Id: sent more than once (ambiguous)");
  }
  const std::string_view org = request.Header("X-Org-Id");
  if (org.empty()) {
    if (caller.tenant.empty()) {
      return Status::PermissionDenied("X-Org-Id is required");
    }
    return caller.tenant;
  }
  if (!caller.tenant.empty() && caller.tenant != org) {
    return Status::PermissionDenied(service::kTenantNotServable);
  }
  return std::string(org);
}

}  // namespace recsys::http
