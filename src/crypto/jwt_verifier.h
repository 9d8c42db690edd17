// Verifies bearer JWTs (libjwt): HS256 with a shared secret, RS256/ES256 with a PEM public key or
// the keys of a JWKS file (the token's "kid" selects one; without a kid each key is tried).
//
// The token's own "alg" header only selects among the configured algorithms: "none" and any
// algorithm without a configured key are refused. exp is required; exp, nbf are checked with a
// small leeway; iss and aud when configured. Thread-safe (no shared mutable state).
#pragma once

#include <jwt.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/jwks.h"

namespace recsys::crypto {

struct JwtOptions {
  std::string hs256_secret;     // empty: HS256 off
  std::string public_key_pem;   // empty: RS256/ES256 off unless `jwks` has keys
  std::vector<PublicKey> jwks;  // from a JWKS file; a token's "kid" picks one
  std::string issuer;           // empty: not checked
  std::string audience;         // empty: not checked
  std::string tenant_claim = "tenant_id";
  std::string roles_claim = "roles";
  int leeway_seconds = 30;
};

struct JwtClaims {
  std::string subject;
  std::string tenant;
  std::vector<std::string> roles;
};

class JwtVerifier {
 public:
  explicit JwtVerifier(JwtOptions options) : options_(std::move(options)) {}

  bool enabled() const {
    return !options_.hs256_secret.empty() || !options_.public_key_pem.empty();
  }
  // kInvalidArgument with the reason (for logs, never for the client) when the token is refused.
  Result<JwtClaims> Verify(std::string_view token, int64_t now_seconds) const;

 private:
  // Decodes `token`, checks its signature with `key` and then its claims.
  Result<JwtClaims> VerifyWith(const std::string& token, jwt_alg_t alg, const std::string& key,
                               int64_t now) const;

  JwtOptions options_;
};

}  // namespace recsys::crypto
