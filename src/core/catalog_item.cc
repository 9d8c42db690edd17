#include "core/catalog_item.h"

#include <algorithm>
#include <cmath>

#include "core/json_fields.h"
#include "core/rules.h"
#include "core/strict_json.h"

namespace recsys {
namespace {

using json::Member;
using json::Value;

Rejection Reject(std::string code, const std::string& field, const std::string& why) {
  return {0, std::move(code), field + ": " + why};
}

std::optional<Rejection> ReadTags(const Value& v, CatalogItem* item) {
  const Value* tags = Member(v, "tags");
  if (tags == nullptr) return std::nullopt;
  if (!tags->IsArray() || tags->Size() > kMaxTagsPerItem) {
    return Reject("INVALID_TAGS", "tags", "must be an array of at most 200 tags");
  }
  for (rapidjson::SizeType i = 0; i < tags->Size(); ++i) {
    const Value& tag = (*tags)[i];
    const std::string path = "tags[" + std::to_string(i) + "]";
    if (!tag.IsString() || !IsValidId({tag.GetString(), tag.GetStringLength()})) {
      return Reject("INVALID_TAGS", path, "must be a string of 1..256 printable characters");
    }
    std::string normalized = NormalizeTag({tag.GetString(), tag.GetStringLength()});
    if (normalized.empty()) return Reject("INVALID_TAGS", path, "must not be blank");
    if (std::find(item->tags.begin(), item->tags.end(), normalized) == item->tags.end()) {
      item->tags.push_back(std::move(normalized));
    }
  }
  return std::nullopt;
}

}  // namespace

std::variant<CatalogItem, Rejection> ParseCatalogItem(const Value& v) {
  if (!v.IsObject()) return Reject("INVALID_ITEM", "item", "must be a JSON object");
  CatalogItem item;
  const Value* id = Member(v, "item_id");
  if (id == nullptr || !id->IsString() || !IsValidId({id->GetString(), id->GetStringLength()})) {
    return Reject("INVALID_ITEM_ID", "item_id",
                  "required: a string of 1..256 printable characters");
  }
  item.item_id.assign(id->GetString(), id->GetStringLength());
  if (const Value* ns = Member(v, "namespace")) {
    if (!ns->IsString() || ns->GetStringLength() > 64 ||
        !IsValidId({ns->GetString(), ns->GetStringLength()})) {
      return Reject("INVALID_NAMESPACE", "namespace", "must be a string of 1..64 characters");
    }
    item.ns.assign(ns->GetString(), ns->GetStringLength());
  }
  if (auto rejection = ReadTags(v, &item)) return *rejection;
  if (const Value* price = Member(v, "price")) {
    if (!price->IsNumber() || !std::isfinite(price->GetDouble()) || price->GetDouble() < 0 ||
        price->GetDouble() >= 1e12) {
      return Reject("INVALID_PRICE", "price", "must be a number from 0 to below 1e12");
    }
    item.price = price->GetDouble();
  }
  if (const Value* available = Member(v, "available")) {
    if (!available->IsBool())
      return Reject("INVALID_AVAILABLE", "available", "must be true or false");
    item.available = available->GetBool();
  }
  if (const Value* created = Member(v, "created_at")) {
    if (created->IsString()) {
      item.created_at = ParseRfc3339({created->GetString(), created->GetStringLength()});
    }
    if (!item.created_at) {
      return Reject("INVALID_CREATED_AT", "created_at", "must be an RFC 3339 timestamp");
    }
  }
  return item;
}

Result<CatalogBatch> ParseCatalogBatch(std::string_view body) {
  rapidjson::Document doc;
  auto items_or = ParseBatchBody(body, "items", kMaxCatalogItemsPerBatch, &doc);
  if (!items_or.ok()) return items_or.status();
  const Value* items = items_or.value();
  CatalogBatch batch;
  for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
    auto parsed = ParseCatalogItem((*items)[i]);
    if (auto* rejection = std::get_if<Rejection>(&parsed)) {
      batch.rejected.push_back(AtIndex(std::move(*rejection), "items", static_cast<int>(i)));
      continue;
    }
    CatalogItem& item = std::get<CatalogItem>(parsed);
    auto same = std::find_if(batch.items.begin(), batch.items.end(), [&](const CatalogItem& o) {
      return o.item_id == item.item_id && o.ns == item.ns;
    });
    if (same != batch.items.end()) {
      *same = std::move(item);
    } else {
      batch.items.push_back(std::move(item));
    }
  }
  return batch;
}

}  // namespace recsys
