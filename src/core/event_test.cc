#include "core/event.h"

#include <gtest/gtest.h>

namespace recsys {
namespace {

const TimestampUs kNow = *ParseRfc3339("2026-11-28T12:00:00Z");

std::variant<Event, Rejection> One(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  return ParseEvent(doc, kNow);
}

std::string CodeOf(const std::string& json) {
  auto parsed = One(json);
  if (auto* r = std::get_if<Rejection>(&parsed)) return r->code;
  return "accepted";
}

constexpr const char* kValid =
    R"({"event_id": "e1", "occurred_at": "2026-11-28T10:00:00Z", "user_id": "u1",
        "event_type": "purchase", "item_id": "sku-1", "surface": "home", "position": 3,
        "value": 19.99, "meta": {"source": "app"},
        "request_id": "123e4567-e89b-12d3-a456-426614174000"})";

TEST(EventTest, AcceptsACompleteEvent) {
  auto parsed = One(kValid);
  ASSERT_TRUE(std::holds_alternative<Event>(parsed));
  const Event& e = std::get<Event>(parsed);
  EXPECT_EQ(e.event_id, "e1");
  EXPECT_EQ(e.type, EventType::kPurchase);
  EXPECT_EQ(e.item_id, "sku-1");
  EXPECT_EQ(e.surface, "home");
  EXPECT_EQ(*e.position, 3);
  EXPECT_DOUBLE_EQ(*e.value, 19.99);
  EXPECT_EQ(e.meta_json, R"({"source":"app"})");
  EXPECT_EQ(e.occurred_at, *ParseRfc3339("2026-11-28T10:00:00Z"));
}

TEST(EventTest, SurfaceDefaultsToTheDefaultNamespace) {
  auto parsed = One(R"({"occurred_at": "2026-11-28T10:00:00Z", "anonymous_id": "a",
                        "event_type": "view", "item_id": "x"})");
  ASSERT_TRUE(std::holds_alternative<Event>(parsed));
  EXPECT_EQ(std::get<Event>(parsed).surface, "default");
}

TEST(EventTest, ClampsSmallClockSkewAndRejectsTheFarFuture) {
  auto skewed = One(R"({"occurred_at": "2026-11-28T12:04:00Z", "user_id": "u",
                        "event_type": "view", "item_id": "x"})");
  ASSERT_TRUE(std::holds_alternative<Event>(skewed));
  EXPECT_EQ(std::get<Event>(skewed).occurred_at, kNow);
  EXPECT_EQ(CodeOf(R"({"occurred_at": "2026-11-28T12:06:00Z", "user_id": "u",
                       "event_type": "view", "item_id": "x"})"),
            "OCCURRED_AT_IN_FUTURE");
  // No lower bound: historic imports are normal.
  EXPECT_EQ(CodeOf(R"({"occurred_at": "1999-01-01T00:00:00Z", "user_id": "u",
                       "event_type": "view", "item_id": "x"})"),
            "accepted");
}

TEST(EventTest, EachInvalidFieldHasItsOwnCode) {
  const std::string base = R"("occurred_at": "2026-11-28T10:00:00Z", "event_type": "view", )";
  EXPECT_EQ(CodeOf("[1]"), "INVALID_EVENT");
  EXPECT_EQ(CodeOf(R"({"occurred_at": "2026-11-28T10:00:00Z", "event_type": "view",
                       "item_id": "x"})"),
            "MISSING_USER");
  EXPECT_EQ(CodeOf(R"({"occurred_at": "yesterday", "user_id": "u", "event_type": "view",
                       "item_id": "x"})"),
            "INVALID_OCCURRED_AT");
  EXPECT_EQ(CodeOf(R"({"occurred_at": "2026-11-28T10:00:00", "user_id": "u",
                       "event_type": "view", "item_id": "x"})"),
            "INVALID_OCCURRED_AT");  // no zone
  EXPECT_EQ(CodeOf("{" + base + R"("user_id": "u"})"), "INVALID_ITEM_ID");
  EXPECT_EQ(CodeOf(R"({"occurred_at": "2026-11-28T10:00:00Z", "user_id": "u",
                       "event_type": "like", "item_id": "x"})"),
            "INVALID_EVENT_TYPE");
  EXPECT_EQ(CodeOf("{" + base + R"("user_id": "u", "item_id": 7})"), "INVALID_ITEM_ID");
  EXPECT_EQ(CodeOf("{" + base + R"("user_id": "", "item_id": "x"})"), "INVALID_USER_ID");
  EXPECT_EQ(CodeOf("{" + base + R"("user_id": "u", "item_id": "x", "event_id": ")" +
                   std::string(129, 'e') + R"("})"),
            "INVALID_EVENT_ID");
  EXPECT_EQ(CodeOf("{" + base + R"("user_id": "u", "item_id": "x", "request_id": "nope"})"),
            "INVALID_REQUEST_ID");
  EXPECT_EQ(CodeOf("{" + base + R"("user_id": "u", "item_id": "x", "position": 0})"),
            "INVALID_POSITION");
  EXPECT_EQ(CodeOf("{" + base + R"("user_id": "u", "item_id": "x", "value": "9"})"),
            "INVALID_VALUE");
  EXPECT_EQ(CodeOf("{" + base + R"("user_id": "u", "item_id": "x", "meta": [1]})"), "INVALID_META");
  EXPECT_EQ(CodeOf("{" + base + R"("user_id": "u", "item_id": "x", "meta": {"k": ")" +
                   std::string(5000, 'm') + R"("}})"),
            "INVALID_META");
  EXPECT_EQ(CodeOf("{" + base + R"("user_id": "u", "item_id": "x", "surface": ")" +
                   std::string(65, 's') + R"("})"),
            "INVALID_SURFACE");
}

TEST(EventTest, TextThatPostgresCannotStoreIsRejected) {
  const std::string base = R"("occurred_at": "2026-11-28T10:00:00Z", "event_type": "view", )";
  EXPECT_EQ(CodeOf("{" + base + R"("user_id": "u", "item_id": "\udc00"})"), "INVALID_ITEM_ID");
  EXPECT_EQ(CodeOf("{" + base + R"("user_id": "u\u0000", "item_id": "x"})"), "INVALID_USER_ID");
  EXPECT_EQ(CodeOf("{" + base + R"("user_id": "u", "item_id": "x", "meta": {"k": "\u0000"}})"),
            "INVALID_META");
  EXPECT_EQ(CodeOf("{" + base + R"("user_id": "u", "item_id": "x", "meta": {"k": "\udc00"}})"),
            "INVALID_META");
}

TEST(EventTest, BatchRejectsByIndexAndCountsRepeatedIdsAsDuplicates) {
  auto batch = ParseEventBatch(
      R"({"events": [
        {"event_id": "a", "occurred_at": "2026-11-28T10:00:00Z", "user_id": "u",
         "event_type": "view", "item_id": "x"},
        {"event_id": "b", "occurred_at": "2026-11-28T10:00:00Z", "user_id": "u",
         "event_type": "nope", "item_id": "x"},
        {"event_id": "a", "occurred_at": "2026-11-28T10:00:01Z", "user_id": "u",
         "event_type": "click", "item_id": "x"},
        {"occurred_at": "2026-11-28T10:00:00Z", "user_id": "u", "event_type": "view",
         "item_id": "y"}]})",
      kNow);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch.value().events.size(), 2u);
  EXPECT_EQ(batch.value().duplicates, 1);
  ASSERT_EQ(batch.value().rejected.size(), 1u);
  EXPECT_EQ(batch.value().rejected[0].index, 1);
  EXPECT_EQ(batch.value().rejected[0].code, "INVALID_EVENT_TYPE");
  EXPECT_EQ(batch.value().rejected[0].detail.rfind("events[1].event_type", 0), 0u);
}

TEST(EventTest, ALoneHighSurrogateMakesTheBodyUnparsable) {
  EXPECT_EQ(ParseEventBatch(R"({"events": [{"item_id": "\ud800"}]})", kNow).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(EventTest, BatchShapeErrors) {
  EXPECT_EQ(ParseEventBatch("{", kNow).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseEventBatch("[]", kNow).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseEventBatch(R"({"events": {}})", kNow).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseEventBatch(R"({"events": []})", kNow).status().code(),
            StatusCode::kInvalidArgument);
  std::string many = R"({"events": [)";
  for (int i = 0; i < 1001; ++i) many += (i ? ",{}" : "{}");
  many += "]}";
  EXPECT_EQ(ParseEventBatch(many, kNow).status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace recsys
