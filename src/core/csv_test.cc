#include "core/csv.h"

#include <gtest/gtest.h>

namespace recsys {
namespace {

std::vector<std::string> Split(std::string_view record) {
  std::vector<std::string> fields;
  EXPECT_TRUE(SplitCsvRecord(record, &fields).ok()) << record;
  return fields;
}

TEST(CsvTest, SplitsPlainAndQuotedFields) {
  EXPECT_EQ(Split("a,b,c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Split("a,,c\r"), (std::vector<std::string>{"a", "", "c"}));
  EXPECT_EQ(Split(R"("x, y","say ""hi""",)"),
            (std::vector<std::string>{"x, y", R"(say "hi")", ""}));
  EXPECT_EQ(Split("\"two\nlines\",z"), (std::vector<std::string>{"two\nlines", "z"}));
}

TEST(CsvTest, BrokenQuotingIsAnErrorNamingTheColumn) {
  std::vector<std::string> fields;
  Status s = SplitCsvRecord(R"(a,"open)", &fields);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("column 2"), std::string::npos);
  EXPECT_FALSE(SplitCsvRecord(R"("a"b,c)", &fields).ok());
  EXPECT_FALSE(SplitCsvRecord(R"(a"b,c)", &fields).ok());
}

TEST(CsvTest, TellsWhenARecordContinuesOnTheNextLine) {
  EXPECT_TRUE(CsvRecordIsOpen(R"(a,"b)"));
  EXPECT_FALSE(CsvRecordIsOpen(R"(a,"b""c")"));
  EXPECT_FALSE(CsvRecordIsOpen("a,b"));
}

}  // namespace
}  // namespace recsys
