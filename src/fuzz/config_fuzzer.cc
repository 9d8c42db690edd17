// libFuzzer target: the tenant config validator (PUT .../config) and experiment variants.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/tenant_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto config =
      recsys::ParseTenantConfig(std::string_view(reinterpret_cast<const char*>(data), size));
  if (config.ok() && config.value().experiments) {
    for (const auto& experiment : *config.value().experiments) {
      if (experiment.variants.empty()) continue;
      const auto& variant = recsys::PickVariant(experiment, size * 2654435761u);
      (void)recsys::WithVariant(config.value(), variant);
    }
  }
  return 0;
}
