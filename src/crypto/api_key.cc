#include "crypto/api_key.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "crypto/base64url.h"
#include "crypto/digest.h"

namespace recsys::crypto {

std::string NewApiKey() {
  unsigned char bytes[32];
  RAND_bytes(bytes, sizeof bytes);
  return "rk_" +
         Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string ApiKeyPrefix(std::string_view key) { return std::string(key.substr(0, 10)); }

std::string ApiKeyHash(std::string_view secret, std::string_view key) {
  return ToHex(HmacSha256(secret, key));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace recsys::crypto
