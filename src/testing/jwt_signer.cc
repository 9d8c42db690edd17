#include "testing/jwt_signer.h"

#include <cstdlib>

namespace recsys::testing {

std::string SignJwt(jwt_alg_t alg, const std::string& key, const std::string& claims,
                    const std::string& kid) {
  jwt_t* jwt = nullptr;
  jwt_new(&jwt);
  jwt_add_grants_json(jwt, claims.c_str());
  if (!kid.empty()) jwt_add_header(jwt, "kid", kid.c_str());
  jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char*>(key.data()),
              static_cast<int>(key.size()));
  char* token = jwt_encode_str(jwt);
  std::string out = token ? token : "";
  free(token);
  jwt_free(jwt);
  return out;
}

}  // namespace recsys::testing
