#include "core/catalog_item.h"

#include <gtest/gtest.h>

namespace recsys {
namespace {

TEST(CatalogItemTest, NormalizesTagsAndFillsDefaults) {
  auto batch = ParseCatalogBatch(
      R"({"items": [{"item_id": "sku-1", "tags": [" Brand:Nike ", "brand:nike", "category:shoes"],
                     "price": 10}]})");
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch.value().items.size(), 1u);
  const CatalogItem& item = batch.value().items[0];
  EXPECT_EQ(item.ns, "default");
  EXPECT_TRUE(item.available);
  EXPECT_EQ(item.tags, (std::vector<std::string>{"brand:nike", "category:shoes"}));
  EXPECT_DOUBLE_EQ(*item.price, 10);
}

TEST(CatalogItemTest, RejectsBadItemsByIndexAndKeepsTheRest) {
  auto batch = ParseCatalogBatch(
      R"({"items": [{"item_id": "ok", "available": false}, {"tags": ["a"]},
                    {"item_id": "x", "price": -1}, {"item_id": "y", "available": "no"},
                    {"item_id": "z", "tags": ["  "]}, {"item_id": "w", "created_at": "soon"}]})");
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch.value().items.size(), 1u);
  EXPECT_FALSE(batch.value().items[0].available);
  std::vector<std::string> codes;
  for (const Rejection& r : batch.value().rejected) codes.push_back(r.code);
  EXPECT_EQ(codes,
            (std::vector<std::string>{"INVALID_ITEM_ID", "INVALID_PRICE", "INVALID_AVAILABLE",
                                      "INVALID_TAGS", "INVALID_CREATED_AT"}));
  EXPECT_EQ(batch.value().rejected[0].index, 1);
}

TEST(CatalogItemTest, TheLastDocumentOfARepeatedItemWins) {
  auto batch = ParseCatalogBatch(
      R"({"items": [{"item_id": "a", "tags": ["t:1"]}, {"item_id": "a", "tags": ["t:2"]}]})");
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch.value().items.size(), 1u);
  EXPECT_EQ(batch.value().items[0].tags, (std::vector<std::string>{"t:2"}));
}

TEST(CatalogItemTest, BatchShapeErrors) {
  EXPECT_EQ(ParseCatalogBatch("nope").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseCatalogBatch(R"({"items": []})").status().code(), StatusCode::kInvalidArgument);
  std::string many = R"({"items": [)";
  for (int i = 0; i < 1001; ++i) many += (i ? ",{}" : "{}");
  many += "]}";
  EXPECT_EQ(ParseCatalogBatch(many).status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace recsys
