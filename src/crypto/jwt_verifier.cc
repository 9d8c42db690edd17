#include "crypto/jwt_verifier.h"

#include <jwt.h>
#include <rapidjson/document.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

namespace recsys::crypto {
namespace {

std::string Base64UrlDecode(std::string_view in) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-' || c == '+')
      v = 62;
    else if (c == '_' || c == '/')
      v = 63;
    else if (c == '=')
      break;
    else
      return "";
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

// The "alg" of the token's header, without verifying anything.
std::string HeaderAlg(std::string_view token) {
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos) return "";
  const std::string header = Base64UrlDecode(token.substr(0, dot));
  rapidjson::Document doc;
  doc.Parse(header.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("alg") || !doc["alg"].IsString()) {
    return "";
  }
  return doc["alg"].GetString();
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
  const std::string alg = HeaderAlg(token);
  jwt_alg_t expected;
  const std::string* key;
  if (alg == "HS256" && !options_.hs256_secret.empty()) {
    expected = JWT_ALG_HS256;
    key = &options_.hs256_secret;
  } else if ((alg == "RS256" || alg == "ES256") && !options_.public_key_pem.empty()) {
    expected = alg == "RS256" ? JWT_ALG_RS256 : JWT_ALG_ES256;
    key = &options_.public_key_pem;
  } else {
    return Status::InvalidArgument("algorithm \"" + alg + "\" is not accepted");
  }
  jwt_t* raw = nullptr;
  const std::string text(token);
  if (jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(key->data()),
                 static_cast<int>(key->size())) != 0 ||
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
