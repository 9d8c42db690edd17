// Test-only: signs JWTs with libjwt, to exercise the verifier and the bearer mode.
#pragma once

#include <jwt.h>

#include <string>

namespace recsys::testing {

// A token with the JSON object `claims`, signed with `alg` and `key` (secret or PEM private key;
// JWT_ALG_NONE with an empty key makes an unsigned token), with a "kid" header when given.
std::string SignJwt(jwt_alg_t alg, const std::string& key, const std::string& claims,
                    const std::string& kid = "");

}  // namespace recsys::testing
