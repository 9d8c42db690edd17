#include "crypto/api_key.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "crypto/digest.h"

namespace recsys::crypto {

std::string NewApiKey() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  unsigned char bytes[32];
  RAND_bytes(bytes, sizeof bytes);
  std::string key = "rk_";
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 6) {
      key.push_back(kAlphabet[(buffer >> (bits - 6)) & 63]);
      bits -= 6;
    }
  }
  if (bits > 0) key.push_back(kAlphabet[(buffer << (6 - bits)) & 63]);
  return key;
}

std::string ApiKeyPrefix(std::string_view key) { return std::string(key.substr(0, 10)); }

std::string ApiKeyHash(std::string_view secret, std::string_view key) {
  return ToHex(HmacSha256(secret, key));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace recsys::crypto
