// libFuzzer target: credential headers. The input is split at newlines into the values of
// X-API-Key, Authorization and X-Org-Id; the chain authenticator (API key looked up by keyed hash,
// HS256 bearer JWT) and the tenant resolution run on them as they do for a request.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "crypto/api_key.h"
#include "http/auth.h"

namespace {

constexpr const char* kApiKeySecret = "fuzz-api-key-secret-0123456789";

struct Auth {
  Auth()
      : api_key(state, kApiKeySecret, nullptr),
        bearer(crypto_options()),
        chain(&api_key, &bearer, nullptr) {
    auto serving = std::make_shared<recsys::service::ServingState>();
    serving->api_keys[recsys::crypto::ApiKeyHash(kApiKeySecret, "rk_fuzz_known_key")] =
        recsys::service::ApiKeyEntry{"key-1", "demo", {"admin"}, std::nullopt};
    state.Publish(serving);
  }
  static recsys::crypto::JwtOptions crypto_options() {
    recsys::crypto::JwtOptions options;
    options.hs256_secret = "fuzz-jwt-secret-0123456789-0123456789";
    return options;
  }
  recsys::service::StateHolder state;
  recsys::http::ApiKeyAuthenticator api_key;
  recsys::http::BearerAuthenticator bearer;
  recsys::http::ChainAuthenticator chain;
};

// The next newline-separated part of `input`.
std::string_view Next(std::string_view& input) {
  const size_t end = input.find('\n');
  const std::string_view part = input.substr(0, end);
  input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
  return part;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Auth auth;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  recsys::http::HttpRequest request;
  const std::string_view api_key = Next(input), authorization = Next(input), org = Next(input);
  if (!api_key.empty()) request.headers.emplace_back("X-API-Key", api_key);
  if (!authorization.empty()) request.headers.emplace_back("Authorization", authorization);
  if (!org.empty()) request.headers.emplace_back("X-Org-Id", org);
  auto caller = auth.chain.Authenticate(request);
  if (caller.ok()) (void)recsys::http::ResolveTenant(request, caller.value());
  return 0;
}
