#include "core/hex.h"

#include <gtest/gtest.h>

namespace recsys {
namespace {

TEST(HexTest, DigitValues) {
  EXPECT_EQ(HexDigitValue('0'), 0);
  EXPECT_EQ(HexDigitValue('9'), 9);
  EXPECT_EQ(HexDigitValue('a'), 10);
  EXPECT_EQ(HexDigitValue('F'), 15);
  EXPECT_EQ(HexDigitValue('g'), -1);
  EXPECT_EQ(HexDigitValue('-'), -1);
}

TEST(HexTest, AppendsTheBytesOrRefusesMalformedDigits) {
  std::string out = "x";
  EXPECT_TRUE(AppendHexBytes("00ff10Ab", &out));
  EXPECT_EQ(out, std::string("x\x00\xff\x10\xab", 5));
  out.clear();
  EXPECT_TRUE(AppendHexBytes("", &out));
  EXPECT_EQ(out, "");
  EXPECT_FALSE(AppendHexBytes("abc", &out));
  EXPECT_FALSE(AppendHexBytes("zz", &out));
}

TEST(HexTest, WritesTwoLowerCaseDigitsPerByteAndReadsThemBack) {
  std::string hex = "x";
  AppendHexDigits(std::string("\x00\xab\x7f", 3), &hex);
  EXPECT_EQ(hex, "x00ab7f");
  std::string bytes;
  ASSERT_TRUE(AppendHexBytes(std::string_view(hex).substr(1), &bytes));
  EXPECT_EQ(bytes, std::string("\x00\xab\x7f", 3));
}

}  // namespace
}  // namespace recsys
