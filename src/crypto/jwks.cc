#include "crypto/jwks.h"

#include "crypto/base64url.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <rapidjson/document.h>

#include <memory>

namespace recsys::crypto {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBuilder = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

std::string Member(const rapidjson::Value& key, const char* name) {
  auto it = key.FindMember(name);
  return it != key.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

// A public key from OpenSSL parameters, as PEM; empty on failure.
std::string ToPem(const char* type, OSSL_PARAM_BLD* builder) {
  Params params(OSSL_PARAM_BLD_to_param(builder));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    return "";
  }
  Pkey key(raw);
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1) return "";
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

std::string RsaPem(const std::string& n, const std::string& e) {
  Bignum bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                        static_cast<int>(n.size()), nullptr));
  Bignum bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                        static_cast<int>(e.size()), nullptr));
  ParamBuilder builder(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !builder ||
      !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get())) {
    return "";
  }
  return ToPem("RSA", builder.get());
}

std::string EcPem(const std::string& x, const std::string& y) {
  if (x.size() != 32 || y.size() != 32) return "";
  const std::string point = std::string(1, '\x04') + x + y;  // uncompressed
  ParamBuilder builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      !OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1",
                                       0) ||
      !OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size())) {
    return "";
  }
  return ToPem("EC", builder.get());
}

}  // namespace

Result<std::vector<PublicKey>> ParseJwks(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("keys") || !doc["keys"].IsArray()) {
    return Status::InvalidArgument("JWKS: want a JSON object with a \"keys\" array");
  }
  std::vector<PublicKey> keys;
  const auto& list = doc["keys"];
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    const std::string where = "JWKS keys[" + std::to_string(i) + "]";
    if (!list[i].IsObject()) return Status::InvalidArgument(where + ": must be an object");
    const auto& k = list[i];
    const std::string kty = Member(k, "kty");
    if (Member(k, "use") == "enc") continue;
    bool ok_a = false, ok_b = false;
    std::string pem;
    if (kty == "RSA") {
      pem = RsaPem(Base64UrlDecode(Member(k, "n"), &ok_a), Base64UrlDecode(Member(k, "e"), &ok_b));
    } else if (kty == "EC" && Member(k, "crv") == "P-256") {
      pem = EcPem(Base64UrlDecode(Member(k, "x"), &ok_a), Base64UrlDecode(Member(k, "y"), &ok_b));
    } else {
      continue;  // a key type we do not verify with
    }
    if (!ok_a || !ok_b || pem.empty()) {
      return Status::InvalidArgument(where + ": malformed " + kty + " key");
    }
    keys.push_back({Member(k, "kid"), kty, std::move(pem)});
  }
  return keys;
}

}  // namespace recsys::crypto
