#include "core/strict_json.h"

#include <gtest/gtest.h>

namespace recsys {
namespace {

Status Parse(std::string_view text) {
  rapidjson::Document doc;
  return ParseStrictJson(text, &doc);
}

TEST(StrictJsonTest, AcceptsOrdinaryDocuments) {
  EXPECT_TRUE(Parse(R"({"surface": "home", "k": 5, "tags": ["a", "b"], "x": {"y": null}})").ok());
  EXPECT_TRUE(Parse(R"(["caf\u00e9", "\ud83d\ude00"])").ok());  // a proper surrogate pair
}

TEST(StrictJsonTest, RejectsDuplicateMembersAtAnyDepth) {
  Status s = Parse(R"({"surface": "home", "surface": "pdp"})");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("duplicate member \"surface\""), std::string::npos);
  EXPECT_FALSE(Parse(R"({"a": [{"k": 1, "k": 2}]})").ok());
  EXPECT_TRUE(Parse(R"({"a": {"k": 1}, "b": {"k": 2}})").ok());  // same name, other objects
}

TEST(StrictJsonTest, RejectsTextPostgresCannotStore) {
  EXPECT_FALSE(Parse(R"({"s": "\ud800"})").ok());    // lone high surrogate
  EXPECT_FALSE(Parse(R"({"s": "\udc00"})").ok());    // lone low surrogate
  EXPECT_FALSE(Parse(R"({"s": "a\u0000b"})").ok());  // NUL
  EXPECT_FALSE(Parse("{\"s\": \"\xff\"}").ok());     // invalid UTF-8 bytes
  EXPECT_FALSE(Parse(R"({"\udc00": 1})").ok());      // in a member name
}

TEST(StrictJsonTest, RejectsARawNulByteAnywhere) {
  using namespace std::string_view_literals;
  // RapidJSON alone stops at the NUL and would accept the document before it.
  EXPECT_FALSE(Parse("{\"a\": 1}\0{\"a\": 2}"sv).ok());
  EXPECT_FALSE(Parse("{\"a\": 1}\0"sv).ok());
  EXPECT_FALSE(Parse("\0"sv).ok());
}

TEST(StrictJsonTest, RejectsDeepNestingBeforeParsing) {
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "{\"a\":";
  deep += "1";
  for (int i = 0; i < 5000; ++i) deep += "}";
  Status s = Parse(deep);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("nested deeper than 64"), std::string::npos);
  std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(Parse(ok).ok());
  EXPECT_FALSE(Parse(std::string(65, '[') + std::string(65, ']')).ok());
  EXPECT_TRUE(
      Parse(R"({"s": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})")
          .ok());
}

TEST(StrictJsonTest, MalformedJsonNamesTheOffset) {
  Status s = Parse(R"({"a": )");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("offset"), std::string::npos);
}

TEST(StrictJsonTest, ObjectParserRefusesOtherDocumentsNamingWhat) {
  rapidjson::Document doc;
  EXPECT_TRUE(ParseStrictJsonObject(R"({"a": 1})", &doc).ok());
  EXPECT_TRUE(doc.IsObject());
  Status array = ParseStrictJsonObject("[1]", &doc, "config");
  EXPECT_EQ(array.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(array.message(), "config: must be a JSON object");
  EXPECT_EQ(ParseStrictJsonObject("17", &doc).message(), "body: must be a JSON object");
  // A malformed document keeps ParseStrictJson's error.
  EXPECT_NE(ParseStrictJsonObject(R"({"a": 1, "a": 2})", &doc).message().find("duplicate"),
            std::string::npos);
}

}  // namespace
}  // namespace recsys
