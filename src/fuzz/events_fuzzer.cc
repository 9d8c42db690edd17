// libFuzzer target: the POST /v1/events and PUT /v1/catalog/items body parsers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/catalog_item.h"
#include "core/event.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)recsys::ParseEventBatch(body, /*now=*/1767225600000000);  // 2026-01-01T00:00:00Z
  (void)recsys::ParseCatalogBatch(body);
  return 0;
}
