#include "core/import_record.h"

#include <gtest/gtest.h>

#include "core/catalog_item.h"
#include "core/event.h"

namespace recsys {
namespace {

const TimestampUs kNow = *ParseRfc3339("2026-11-28T12:00:00Z");

TEST(ImportRecordTest, MapsCsvColumnsAndConstantsOntoApiFields) {
  auto mapping = ParseFieldMapping(ImportKind::kEvents,
                                   "event_id=InvoiceLine,user_id=CustomerID,item_id=StockCode,"
                                   "occurred_at=When",
                                   "event_type=purchase");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  RecordConverter converter(ImportKind::kEvents, mapping.value());
  ASSERT_TRUE(converter
                  .SetCsvHeader({"InvoiceLine", "CustomerID", "StockCode", "When", "value",
                                 "position", "Ignored"})
                  .ok());
  auto doc = converter.FromCsv({"L1", "C9", "85123A", "2026-11-01T10:00:00Z", "2.55", "3", "x"});
  ASSERT_TRUE(doc.ok());
  auto parsed = ParseEvent(doc.value(), kNow);
  ASSERT_TRUE(std::holds_alternative<Event>(parsed)) << std::get<Rejection>(parsed).detail;
  const Event& e = std::get<Event>(parsed);
  EXPECT_EQ(e.event_id, "L1");
  EXPECT_EQ(e.user_id, "C9");
  EXPECT_EQ(e.item_id, "85123A");
  EXPECT_EQ(e.type, EventType::kPurchase);
  EXPECT_DOUBLE_EQ(*e.value, 2.55);
  EXPECT_EQ(*e.position, 3);
}

TEST(ImportRecordTest, WrongTypesAreLeftForValidationToName) {
  auto mapping = ParseFieldMapping(ImportKind::kEvents, "", "");
  RecordConverter converter(ImportKind::kEvents, mapping.value());
  ASSERT_TRUE(
      converter.SetCsvHeader({"occurred_at", "user_id", "event_type", "item_id", "position"}).ok());
  auto doc = converter.FromCsv({"2026-11-01T10:00:00Z", "u", "view", "i", "third"});
  ASSERT_TRUE(doc.ok());
  auto parsed = ParseEvent(doc.value(), kNow);
  ASSERT_TRUE(std::holds_alternative<Rejection>(parsed));
  EXPECT_EQ(std::get<Rejection>(parsed).code, "INVALID_POSITION");
  EXPECT_EQ(converter.FromCsv({"a", "b"}).status().code(), StatusCode::kInvalidArgument);
}

TEST(ImportRecordTest, CatalogTagsAndAvailabilityFromCsv) {
  RecordConverter converter(ImportKind::kCatalog,
                            ParseFieldMapping(ImportKind::kCatalog, "item_id=sku", "").value());
  ASSERT_TRUE(converter.SetCsvHeader({"sku", "tags", "available", "price"}).ok());
  auto doc = converter.FromCsv({"A1", "brand:x|Category:Y", "false", "9.5"});
  ASSERT_TRUE(doc.ok());
  auto parsed = ParseCatalogItem(doc.value());
  ASSERT_TRUE(std::holds_alternative<CatalogItem>(parsed));
  const CatalogItem& item = std::get<CatalogItem>(parsed);
  EXPECT_EQ(item.tags, (std::vector<std::string>{"brand:x", "category:y"}));
  EXPECT_FALSE(item.available);
  EXPECT_DOUBLE_EQ(*item.price, 9.5);
}

TEST(ImportRecordTest, JsonLinesAreRenamedAndCompleted) {
  RecordConverter converter(
      ImportKind::kEvents,
      ParseFieldMapping(ImportKind::kEvents, "user_id=customer", "event_type=view").value());
  auto doc = converter.FromJsonLine(
      R"({"customer": "c1", "item_id": "i", "occurred_at": "2026-11-01T10:00:00Z"})");
  ASSERT_TRUE(doc.ok());
  auto parsed = ParseEvent(doc.value(), kNow);
  ASSERT_TRUE(std::holds_alternative<Event>(parsed));
  EXPECT_EQ(std::get<Event>(parsed).user_id, "c1");
  EXPECT_EQ(converter.FromJsonLine("[1]").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(converter.FromJsonLine("{").status().code(), StatusCode::kInvalidArgument);
}

TEST(ImportRecordTest, MappingErrorsNameTheProblem) {
  EXPECT_FALSE(ParseFieldMapping(ImportKind::kEvents, "user_id", "").ok());
  EXPECT_FALSE(ParseFieldMapping(ImportKind::kEvents, "", "colour=red").ok());
  RecordConverter converter(ImportKind::kEvents,
                            ParseFieldMapping(ImportKind::kEvents, "user_id=Missing", "").value());
  EXPECT_FALSE(converter.SetCsvHeader({"a"}).ok());
}

}  // namespace
}  // namespace recsys
