#include "core/json_fields.h"

#include <gtest/gtest.h>

namespace recsys::json {
namespace {

rapidjson::Document Parse(const char* text) {
  rapidjson::Document doc;
  doc.Parse(text);
  return doc;
}

TEST(JsonFieldsTest, AWrongTypeIsInvalidAndAValueOutOfRangeUnprocessable) {
  const auto doc = Parse(R"({"n": 5, "big": 500, "half": 2.5, "text": "5", "flag": true})");
  int n = 0;
  EXPECT_TRUE(ReadInt(doc, "n", "limits", 1, 10, &n).ok());
  EXPECT_EQ(n, 5);
  const Status big = ReadInt(doc, "big", "limits", 1, 10, &n);
  EXPECT_EQ(big.code(), StatusCode::kUnprocessable);
  EXPECT_EQ(big.message(), "limits.big: must be an integer from 1 to 10");
  EXPECT_EQ(ReadInt(doc, "half", "", 1, 10, &n).code(), StatusCode::kUnprocessable);
  EXPECT_EQ(ReadInt(doc, "text", "", 1, 10, &n).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(n, 5);  // untouched by every failure

  double x = 0;
  EXPECT_TRUE(ReadNumber(doc, "half", "w", 0, 1e6, &x).ok());
  EXPECT_EQ(x, 2.5);
  const Status low = ReadNumber(doc, "half", "w", 3, 1e6, &x);
  EXPECT_EQ(low.code(), StatusCode::kUnprocessable);
  EXPECT_EQ(low.message(), "w.half: must be a number from 3 to 1e+06");
  EXPECT_EQ(ReadNumber(doc, "flag", "w", 0, 1, &x).code(), StatusCode::kInvalidArgument);

  bool flag = false;
  EXPECT_TRUE(ReadBool(doc, "flag", "", &flag).ok());
  EXPECT_TRUE(flag);
  EXPECT_EQ(ReadBool(doc, "n", "", &flag).code(), StatusCode::kInvalidArgument);
  std::string text;
  EXPECT_EQ(ReadString(doc, "n", "", &text).code(), StatusCode::kInvalidArgument);
}

TEST(JsonFieldsTest, AbsentAndNullMembersLeaveTheDefault) {
  const auto doc = Parse(R"({"n": null})");
  int n = 7;
  EXPECT_TRUE(ReadInt(doc, "n", "", 1, 10, &n).ok());
  EXPECT_TRUE(ReadInt(doc, "missing", "", 1, 10, &n).ok());
  EXPECT_EQ(n, 7);
  EXPECT_EQ(Member(doc, "n"), nullptr);
  EXPECT_EQ(Join("", "k"), "k");
  EXPECT_EQ(Join("a.b", "k"), "a.b.k");
}

}  // namespace
}  // namespace recsys::json
