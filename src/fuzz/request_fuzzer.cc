// libFuzzer target: the /v1/recommend, /v1/recommend/validate and /v1/similar body parser, and the
// normalized request validate echoes back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/request.h"
#include "core/request_json.h"
#include "core/tenant_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const recsys::TenantConfig config;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (auto request = recsys::ParseRecommendRequest(body, config); request.ok()) {
    (void)recsys::NormalizedRequestJson(request.value());
    (void)recsys::ExposureRequestJson(request.value());
    (void)recsys::PrimaryUserKey(request.value());
  }
  (void)recsys::ParseSimilarRequest(body, config);
  return 0;
}
