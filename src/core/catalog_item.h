// A catalog item as PUT /v1/catalog/items and `import catalog` take it (api.md part B), and its
// validation, shared by both. A PUT replaces the item's document: absent tags mean none, absent
// `available` means true, absent price means unknown. Pure; thread-safe.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/rejection.h"
#include "core/status.h"
#include "core/time.h"

namespace recsys {

inline constexpr size_t kMaxCatalogItemsPerBatch = 1000;
inline constexpr size_t kMaxTagsPerItem = 200;

struct CatalogItem {
  std::string item_id;
  std::string ns = "default";
  std::vector<std::string> tags;  // normalized (ranking.md), de-duplicated, in order
  std::optional<double> price;    // >= 0
  bool available = true;
  std::optional<TimestampUs> created_at;
};

// Validates one item; on failure the rejection's index is left 0 for the caller.
std::variant<CatalogItem, Rejection> ParseCatalogItem(const rapidjson::Value& value);

struct CatalogBatch {
  std::vector<CatalogItem> items;  // the last document of an item named twice wins
  std::vector<Rejection> rejected;
};

// Parses {"items": [...]}. Errors: kInvalidArgument when the body is not an object with an
// `items` array of 1.. items; kResourceExhausted above kMaxCatalogItemsPerBatch.
Result<CatalogBatch> ParseCatalogBatch(std::string_view body);

}  // namespace recsys
