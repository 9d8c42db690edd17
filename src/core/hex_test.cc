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

}  // namespace
}  // namespace recsys
