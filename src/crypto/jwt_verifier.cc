#include "crypto/jwt_verifier.h"

#include "crypto/base64url.h"
#include "crypto/jwks.h"

#include <jwt.h>
#include <rapidjson/document.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

namespace recsys::crypto {
namespace {

struct Header {
  std::string alg, kid;
};

// The token's header fields, without verifying anything.
Header ReadHeader(std::string_view token) {
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos) return {};
  bool ok = false;
  const std::string text = Base64UrlDecode(token.substr(0, dot), &ok);
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  if (!ok || doc.HasParseError() || !doc.IsObject()) return {};
  Header header;
  if (doc.HasMember("alg") && doc["alg"].IsString()) header.alg = doc["alg"].GetString();
  if (doc.HasMember("kid") && doc["kid"].IsString()) header.kid = doc["kid"].GetString();
  return header;
}

using JwtPtr = std::unique_ptr<jwt_t, decltype(&jwt_free)>;

// A claim that may be a string or an array of strings.
std::vector<std::string> StringList(jwt_t* jwt, const std::string& claim) {
  std::vector<std::string> out;
  if (const char* single = jwt_get_grant(jwt, claim.c_str())) {
    std::string text = single;
    size_t start = 0;
    while (start < text.size()) {  // space-separated, like OAuth scopes
      size_t end = text.find(' ', start);
      if (end == std::string::npos) end = text.size();
      if (end > start) out.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }
  char* json = jwt_get_grants_json(jwt, claim.c_str());
  if (json == nullptr) return out;
  rapidjson::Document doc;
  doc.Parse(json);
  free(json);
  if (!doc.HasParseError() && doc.IsArray()) {
    for (const auto& v : doc.GetArray()) {
      if (v.IsString()) out.emplace_back(v.GetString());
    }
  }
  return out;
}

}  // namespace

Result<JwtClaims> JwtVerifier::Verify(std::string_view token, int64_t now) const {
  const Header header = ReadHeader(token);
  const std::string text(token);
  if (header.alg == "HS256" && !options_.hs256_secret.empty()) {
    return VerifyWith(text, JWT_ALG_HS256, options_.hs256_secret, now);
  }
  if (header.alg != "RS256" && header.alg != "ES256") {
    return Status::InvalidArgument("algorithm \"" + header.alg + "\" is not accepted");
  }
  const jwt_alg_t alg = header.alg == "RS256" ? JWT_ALG_RS256 : JWT_ALG_ES256;
  const std::string kty = header.alg == "RS256" ? "RSA" : "EC";
  std::vector<const std::string*> keys;
  if (!options_.public_key_pem.empty()) keys.push_back(&options_.public_key_pem);
  for (const PublicKey& k : options_.jwks) {
    if (k.kty == kty && (header.kid.empty() || k.kid == header.kid)) keys.push_back(&k.pem);
  }
  if (keys.empty()) return Status::InvalidArgument("no key for this token");
  Result<JwtClaims> last = Status::InvalidArgument("no key verified the token");
  for (const std::string* key : keys) {
    last = VerifyWith(text, alg, *key, now);
    if (last.ok()) break;
  }
  return last;
}

Result<JwtClaims> JwtVerifier::VerifyWith(const std::string& text, jwt_alg_t expected,
                                          const std::string& key, int64_t now) const {
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(key.data()),
                 static_cast<int>(key.size())) != 0 ||
      raw == nullptr) {
    return Status::InvalidArgument("signature or format invalid");
  }
  JwtPtr jwt(raw, &jwt_free);
  if (jwt_get_alg(jwt.get()) != expected) return Status::InvalidArgument("algorithm mismatch");

  errno = 0;
  const long exp = jwt_get_grant_int(jwt.get(), "exp");
  if (errno != 0 || exp == 0) return Status::InvalidArgument("exp is required");
  if (now > exp + options_.leeway_seconds) return Status::InvalidArgument("expired");
  errno = 0;
  const long nbf = jwt_get_grant_int(jwt.get(), "nbf");
  if (errno == 0 && nbf != 0 && now + options_.leeway_seconds < nbf) {
    return Status::InvalidArgument("not valid yet");
  }
  if (!options_.issuer.empty()) {
    const char* iss = jwt_get_grant(jwt.get(), "iss");
    if (iss == nullptr || options_.issuer != iss) return Status::InvalidArgument("issuer mismatch");
  }
  if (!options_.audience.empty()) {
    bool found = false;
    for (const std::string& aud : StringList(jwt.get(), "aud")) found |= aud == options_.audience;
    if (!found) return Status::InvalidArgument("audience mismatch");
  }
  JwtClaims claims;
  if (const char* sub = jwt_get_grant(jwt.get(), "sub")) claims.subject = sub;
  if (const char* tenant = jwt_get_grant(jwt.get(), options_.tenant_claim.c_str())) {
    claims.tenant = tenant;
  }
  if (claims.tenant.empty()) return Status::InvalidArgument("tenant claim missing");
  claims.roles = StringList(jwt.get(), options_.roles_claim);
  return claims;
}

}  // namespace recsys::crypto
