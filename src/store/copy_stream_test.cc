#include "store/copy_stream.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "store/binary_copy.h"

namespace recsys::store {
namespace {

TEST(CopyStreamTest, AppendCopyEscapedEscapesOnlyWhatCopyTextReads) {
  std::string out = "x\t";
  AppendCopyEscaped(out, "{\"a\": \"b\\\"c\"}\tline\nnext\rend\\");
  EXPECT_EQ(out, "x\t{\"a\": \"b\\\\\"c\"}\\tline\\nnext\\rend\\\\");
  out.clear();
  AppendCopyEscaped(out, "");
  EXPECT_EQ(out, "");
  AppendCopyEscaped(out, "plain");
  EXPECT_EQ(out, "plain");
}

TEST(CopyStreamTest, AppendCopyFieldEndsEachFieldAndWritesEmptyAsNullWhenAsked) {
  std::string line;
  AppendCopyField(line, "a\tb");
  AppendCopyField(line, "");
  AppendCopyField(line, "", '\t', /*empty_is_null=*/false);
  AppendCopyField(line, "end", '\n');
  EXPECT_EQ(line, "a\\tb\t\\N\t\tend\n");
  std::string storage;
  std::vector<std::string_view> fields;
  std::vector<char> nulls;
  SplitCopyLine(std::string_view(line).substr(0, line.size() - 1), storage, fields, nulls);
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0], "a\tb");
  EXPECT_EQ(nulls, (std::vector<char>{0, 1, 0, 0}));
  EXPECT_EQ(fields[3], "end");
}

TEST(CopyStreamTest, AppendCopyEscapedMatchesAByteByByteEscapeAtEveryOffset) {
  // The fast path checks 8 bytes at a time; random strings put special bytes at every offset.
  const std::string specials = "\\\t\n\r\x01\x0d\x0e\x5b\x5d\x7f\x80\xdc\xff";
  std::mt19937 random(7);
  for (int round = 0; round < 2000; ++round) {
    std::string value(random() % 40, 'a');
    for (char& c : value) {
      c = random() % 4 == 0 ? specials[random() % specials.size()]
                            : static_cast<char>(' ' + random() % 90);
    }
    std::string expected;
    for (char c : value) {
      const char* escape = c == '\\'   ? "\\\\"
                           : c == '\t' ? "\\t"
                           : c == '\n' ? "\\n"
                           : c == '\r' ? "\\r"
                                       : nullptr;
      if (escape != nullptr) {
        expected += escape;
      } else {
        expected += c;
      }
    }
    std::string out;
    AppendCopyEscaped(out, value);
    ASSERT_EQ(out, expected);
  }
}

TEST(CopyStreamTest, SplitCopyLineMatchesAByteByByteDecoderAtEveryOffset) {
  // Fields are scanned 8 bytes at a time and unescaped in runs; random lines put tabs, escapes,
  // \N and a trailing lone backslash at every offset. The reference decodes byte by byte.
  const std::string pieces[] = {"\t", "\\\\", "\\t", "\\n", "\\r", "\\N", "\\x", "\\\t", "a", "b"};
  std::mt19937 random(11);
  std::string storage;
  std::vector<std::string_view> fields;
  std::vector<char> nulls;
  for (int round = 0; round < 3000; ++round) {
    std::string line;
    for (int n = random() % 30; n > 0; --n) {
      line += random() % 3 == 0 ? pieces[random() % std::size(pieces)]
                                : std::string(1, static_cast<char>('0' + random() % 40));
    }
    if (random() % 8 == 0) line += '\\';
    std::vector<std::string> expected_fields(1);
    std::vector<char> expected_nulls(1, 0);
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\t') {
        expected_fields.emplace_back();
        expected_nulls.push_back(0);
      } else if (line[i] == '\\' && i + 1 < line.size()) {
        const char n = line[++i];
        if (n == 'N') {
          expected_nulls.back() = 1;
        } else {
          expected_fields.back() += n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n;
        }
      } else {
        expected_fields.back() += line[i];
      }
    }
    SplitCopyLine(line, storage, fields, nulls);
    ASSERT_EQ(fields.size(), expected_fields.size()) << line;
    for (size_t f = 0; f < fields.size(); ++f) ASSERT_EQ(fields[f], expected_fields[f]) << line;
    ASSERT_EQ(nulls, expected_nulls) << line;
  }
}

}  // namespace
}  // namespace recsys::store

namespace recsys::store {
namespace {

TEST(CopyStreamTest, SplitBinaryCopyRowSkipsTheHeaderAndReadsFieldsNullsAndTheTrailer) {
  std::string first;
  AppendBinaryCopyHeader(&first);
  PutInt16(&first, 3);
  PutTextField(&first, "item-7");
  PutInt32(&first, -1);  // NULL
  PutInt32(&first, 8);
  PutInt64(&first, -2);
  std::vector<std::string_view> fields;
  std::vector<char> nulls;
  bool header_pending = true;
  ASSERT_EQ(SplitBinaryCopyRow(first, header_pending, fields, nulls), BinaryCopyMessage::kRow);
  EXPECT_FALSE(header_pending);
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0], "item-7");
  EXPECT_EQ(nulls, (std::vector<char>{0, 1, 0}));
  EXPECT_EQ(ReadBigEndian(fields[2]), -2);

  std::string trailer;
  AppendBinaryCopyTrailer(&trailer);
  EXPECT_EQ(SplitBinaryCopyRow(trailer, header_pending, fields, nulls),
            BinaryCopyMessage::kTrailer);
  // A field longer than the message, or bytes after the last field, are not a row.
  std::string cut = first.substr(19, first.size() - 19 - 3);
  EXPECT_EQ(SplitBinaryCopyRow(cut, header_pending, fields, nulls), BinaryCopyMessage::kMalformed);
  std::string extra = first.substr(19) + "x";
  EXPECT_EQ(SplitBinaryCopyRow(extra, header_pending, fields, nulls),
            BinaryCopyMessage::kMalformed);
}

}  // namespace
}  // namespace recsys::store
