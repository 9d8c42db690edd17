#include "crypto/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstring>
#include <memory>

#include "core/hex.h"

namespace recsys::crypto {

std::string ToHex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  AppendHexDigits(bytes, &out);
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return ToHex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

namespace {

constexpr size_t kBlockSize = 64;  // SHA-256's input block

// Fetched once: OpenSSL 3's one-shot HMAC() looks the algorithm up, allocates a MAC context and
// sets it up on every call, about 5 % of a recommend request's CPU (one user key per request).
const EVP_MD* Sha256() {
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return sha256;
}

// One digest context per thread, reused: EVP_DigestInit_ex2 keeps its provider state when the
// digest is unchanged, so a call allocates nothing.
EVP_MD_CTX* ThreadDigestContext() {
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                               &EVP_MD_CTX_free);
  return context.get();
}

// SHA-256 of `prefix` then `data` into `out` (32 bytes).
void Digest(const unsigned char* prefix, size_t prefix_size, const void* data, size_t size,
            unsigned char* out) {
  EVP_MD_CTX* context = ThreadDigestContext();
  EVP_DigestInit_ex2(context, Sha256(), nullptr);
  EVP_DigestUpdate(context, prefix, prefix_size);
  EVP_DigestUpdate(context, data, size);
  EVP_DigestFinal_ex(context, out, nullptr);
}

}  // namespace

// RFC 2104 over the thread's digest context.
std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char block[kBlockSize] = {};
  if (key.size() > kBlockSize) {
    Digest(nullptr, 0, key.data(), key.size(), block);
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char pad[kBlockSize];
  unsigned char inner[SHA256_DIGEST_LENGTH];
  for (size_t i = 0; i < kBlockSize; ++i) pad[i] = block[i] ^ 0x36;
  Digest(pad, kBlockSize, data.data(), data.size(), inner);
  for (size_t i = 0; i < kBlockSize; ++i) pad[i] = block[i] ^ 0x5c;
  std::string mac(SHA256_DIGEST_LENGTH, '\0');
  Digest(pad, kBlockSize, inner, sizeof inner, reinterpret_cast<unsigned char*>(mac.data()));
  OPENSSL_cleanse(block, sizeof block);
  OPENSSL_cleanse(pad, sizeof pad);
  return mac;
}

}  // namespace recsys::crypto
