#include "crypto/jwt_verifier.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>
#include "testing/jwt_signer.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace recsys::crypto {
namespace {

constexpr int64_t kNow = 1800000000;
const std::string kSecret = "0123456789abcdef0123456789abcdef";

JwtOptions Hs256(const std::string& secret) {
  JwtOptions options;
  options.hs256_secret = secret;
  return options;
}

std::string Sign(jwt_alg_t alg, const std::string& key, const std::string& claims) {
  return testing::SignJwt(alg, key, claims);
}

std::string Claims(int64_t exp, const std::string& extra = "") {
  return R"({"sub": "u1", "tenant_id": "acme", "roles": ["viewer", "operator"], "exp": )" +
         std::to_string(exp) + extra + "}";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(JwtVerifierTest, AcceptsAValidHs256Token) {
  JwtVerifier v(Hs256(kSecret));
  auto claims = v.Verify(Sign(JWT_ALG_HS256, kSecret, Claims(kNow + 60)), kNow);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims.value().subject, "u1");
  EXPECT_EQ(claims.value().tenant, "acme");
  EXPECT_EQ(claims.value().roles, (std::vector<std::string>{"viewer", "operator"}));
}

TEST(JwtVerifierTest, RefusesTamperedExpiredEarlyUnsignedAndForeignTokens) {
  JwtVerifier v(Hs256(kSecret));
  std::string token = Sign(JWT_ALG_HS256, kSecret, Claims(kNow + 60));
  std::string tampered = token;
  tampered[token.find('.') + 5] ^= 1;
  EXPECT_FALSE(v.Verify(tampered, kNow).ok());
  EXPECT_FALSE(v.Verify(Sign(JWT_ALG_HS256, kSecret, Claims(kNow - 60)), kNow).ok());
  EXPECT_TRUE(v.Verify(Sign(JWT_ALG_HS256, kSecret, Claims(kNow - 10)), kNow).ok());  // leeway
  EXPECT_FALSE(
      v.Verify(Sign(JWT_ALG_HS256, kSecret, Claims(kNow + 60, R"(, "nbf": 1800000600)")), kNow)
          .ok());
  EXPECT_FALSE(
      v.Verify(Sign(JWT_ALG_HS256, "another-secret-another-secret-xx", Claims(kNow + 60)), kNow)
          .ok());
  EXPECT_FALSE(v.Verify(Sign(JWT_ALG_NONE, "", Claims(kNow + 60)), kNow).ok());
  EXPECT_FALSE(
      v.Verify(Sign(JWT_ALG_HS256, kSecret, R"({"tenant_id": "acme"})"), kNow).ok());  // no exp
  EXPECT_FALSE(
      v.Verify(Sign(JWT_ALG_HS256, kSecret, R"({"exp": 1800000060})"), kNow).ok());  // no tenant
  EXPECT_FALSE(v.Verify("not.a.token", kNow).ok());
  EXPECT_FALSE(v.Verify("", kNow).ok());
}

TEST(JwtVerifierTest, ChecksIssuerAudienceAndCustomClaims) {
  JwtOptions options = Hs256(kSecret);
  options.issuer = "https://idp.example";
  options.audience = "recsys";
  options.tenant_claim = "org";
  options.roles_claim = "scope";
  JwtVerifier v(options);
  const std::string good = R"({"org": "acme", "scope": "viewer admin", "iss": "https://idp.example",
                               "aud": ["other", "recsys"], "exp": 1800000060})";
  auto claims = v.Verify(Sign(JWT_ALG_HS256, kSecret, good), kNow);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims.value().tenant, "acme");
  EXPECT_EQ(claims.value().roles, (std::vector<std::string>{"viewer", "admin"}));
  EXPECT_FALSE(
      v.Verify(Sign(JWT_ALG_HS256, kSecret,
                    R"({"org": "acme", "iss": "evil", "aud": "recsys", "exp": 1800000060})"),
               kNow)
          .ok());
  EXPECT_FALSE(
      v.Verify(
           Sign(JWT_ALG_HS256, kSecret,
                R"({"org": "acme", "iss": "https://idp.example", "aud": "x", "exp": 1800000060})"),
           kNow)
          .ok());
}

TEST(JwtVerifierTest, VerifiesRs256AndEs256WithPublicKeysOnly) {
  char dir[] = "/tmp/recsys-jwt-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string d = dir;
  ASSERT_EQ(
      std::system(("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + d +
                   "/rsa.pem 2>/dev/null && openssl pkey -in " + d + "/rsa.pem -pubout -out " + d +
                   "/rsa.pub && openssl ecparam -name prime256v1 -genkey -noout -out " + d +
                   "/ec.pem && openssl pkey -in " + d + "/ec.pem -pubout -out " + d + "/ec.pub")
                      .c_str()),
      0);
  JwtOptions rsa;
  rsa.public_key_pem = ReadFile(d + "/rsa.pub");
  EXPECT_TRUE(JwtVerifier(rsa)
                  .Verify(Sign(JWT_ALG_RS256, ReadFile(d + "/rsa.pem"), Claims(kNow + 60)), kNow)
                  .ok());
  // An HS256 token signed with the public key as secret (the classic confusion) is refused.
  EXPECT_FALSE(JwtVerifier(rsa)
                   .Verify(Sign(JWT_ALG_HS256, rsa.public_key_pem, Claims(kNow + 60)), kNow)
                   .ok());
  JwtOptions ec;
  ec.public_key_pem = ReadFile(d + "/ec.pub");
  EXPECT_TRUE(JwtVerifier(ec)
                  .Verify(Sign(JWT_ALG_ES256, ReadFile(d + "/ec.pem"), Claims(kNow + 60)), kNow)
                  .ok());
  EXPECT_FALSE(JwtVerifier(ec)
                   .Verify(Sign(JWT_ALG_RS256, ReadFile(d + "/rsa.pem"), Claims(kNow + 60)), kNow)
                   .ok());
  std::system(("rm -rf " + d).c_str());
}

}  // namespace
}  // namespace recsys::crypto
