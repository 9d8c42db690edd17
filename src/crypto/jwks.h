// JSON Web Key Sets: the public keys of an identity provider, for RS256/ES256 bearer tokens.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace recsys::crypto {

struct PublicKey {
  std::string kid;  // may be empty
  std::string kty;  // "RSA" or "EC" (P-256)
  std::string pem;  // SubjectPublicKeyInfo PEM, what libjwt verifies with
};

// Parses {"keys": [...]}: RSA keys (n, e) and EC P-256 keys (x, y), in base64url. Keys of other
// types or curves, and keys marked "use": "enc", are skipped. kInvalidArgument names the
// offending key index when a supported key is malformed.
Result<std::vector<PublicKey>> ParseJwks(std::string_view json);

}  // namespace recsys::crypto
