#include "crypto/jwks.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>

#include "crypto/base64url.h"
#include "crypto/jwt_verifier.h"
#include "testing/jwt_signer.h"

namespace recsys::crypto {
namespace {

std::string Base64Url(const std::string& bytes) { return Base64UrlEncode(bytes); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

EVP_PKEY* LoadPublic(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return key;
}

std::string BnParam(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(bn);
  return bytes;
}

// A JWK for a PEM public key, the way an identity provider publishes it.
std::string Jwk(const std::string& pem, const std::string& kid) {
  EVP_PKEY* key = LoadPublic(pem);
  std::string jwk;
  if (EVP_PKEY_is_a(key, "RSA")) {
    jwk = R"({"kty": "RSA", "kid": ")" + kid + R"(", "n": ")" +
          Base64Url(BnParam(key, OSSL_PKEY_PARAM_RSA_N)) + R"(", "e": ")" +
          Base64Url(BnParam(key, OSSL_PKEY_PARAM_RSA_E)) + "\"}";
  } else {
    jwk = R"({"kty": "EC", "crv": "P-256", "kid": ")" + kid + R"(", "x": ")" +
          Base64Url(BnParam(key, OSSL_PKEY_PARAM_EC_PUB_X)) + R"(", "y": ")" +
          Base64Url(BnParam(key, OSSL_PKEY_PARAM_EC_PUB_Y)) + "\"}";
  }
  EVP_PKEY_free(key);
  return jwk;
}

class JwksTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char dir[] = "/tmp/recsys-jwks-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    ASSERT_EQ(
        std::system(("cd " + dir_ +
                     " && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "
                     "rsa.pem 2>/dev/null && openssl pkey -in rsa.pem -pubout -out rsa.pub && "
                     "openssl ecparam -name prime256v1 -genkey -noout -out ec.pem && "
                     "openssl pkey -in ec.pem -pubout -out ec.pub")
                        .c_str()),
        0);
  }
  static void TearDownTestSuite() { std::system(("rm -rf " + dir_).c_str()); }
  static std::string dir_;
};
std::string JwksTest::dir_;

constexpr int64_t kNow = 1800000000;
const std::string kClaims = R"({"tenant_id": "acme", "exp": 1800000060})";

TEST_F(JwksTest, VerifiesTokensWithTheKeyTheirKidNames) {
  const std::string jwks = R"({"keys": [)" + Jwk(ReadFile(dir_ + "/rsa.pub"), "r1") + ", " +
                           Jwk(ReadFile(dir_ + "/ec.pub"), "e1") +
                           R"(, {"kty": "oct", "k": "c2VjcmV0"}]})";
  auto keys = ParseJwks(jwks);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  ASSERT_EQ(keys.value().size(), 2u);  // the symmetric key is skipped
  JwtOptions options;
  options.jwks = keys.value();
  JwtVerifier verifier(options);

  auto sign = [&](jwt_alg_t alg, const std::string& pem_file, const std::string& kid) {
    return testing::SignJwt(alg, ReadFile(dir_ + "/" + pem_file), kClaims, kid);
  };
  EXPECT_TRUE(verifier.Verify(sign(JWT_ALG_RS256, "rsa.pem", "r1"), kNow).ok());
  EXPECT_TRUE(verifier.Verify(sign(JWT_ALG_ES256, "ec.pem", "e1"), kNow).ok());
  EXPECT_TRUE(verifier.Verify(sign(JWT_ALG_RS256, "rsa.pem", ""), kNow).ok());  // no kid: try all
  EXPECT_FALSE(verifier.Verify(sign(JWT_ALG_RS256, "rsa.pem", "unknown"), kNow).ok());
}

TEST_F(JwksTest, MalformedKeysAreNamed) {
  auto bad = ParseJwks(R"({"keys": [{"kty": "RSA", "n": "!!", "e": "AQAB"}]})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("keys[0]"), std::string::npos);
  EXPECT_FALSE(
      ParseJwks(R"({"keys": [{"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}]})").ok());
  EXPECT_FALSE(ParseJwks("[]").ok());
}

}  // namespace
}  // namespace recsys::crypto
