#include "store/wal_position.h"

#include <gtest/gtest.h>

namespace recsys::store {
namespace {

TEST(WalPositionTest, ParsesAndFormatsPgLsnText) {
  EXPECT_EQ(ParseWalPosition("0/0"), 0u);
  EXPECT_EQ(ParseWalPosition("16/B374D848"), (WalPosition{0x16} << 32) | 0xB374D848u);
  EXPECT_EQ(ParseWalPosition("16/b374d848"), ParseWalPosition("16/B374D848"));
  EXPECT_EQ(FormatWalPosition((WalPosition{0x16} << 32) | 0xB374D848u), "16/B374D848");
  EXPECT_EQ(FormatWalPosition(*ParseWalPosition("FFFFFFFF/1")), "FFFFFFFF/1");
}

TEST(WalPositionTest, OrdersAsTheServerDoes) {
  // The low half is not zero-padded: "1/A0" is past "0/FFFFFFFF".
  EXPECT_LT(*ParseWalPosition("0/FFFFFFFF"), *ParseWalPosition("1/A0"));
  EXPECT_LT(*ParseWalPosition("1/9"), *ParseWalPosition("1/A0"));
}

TEST(WalPositionTest, AnInsertPositionAfterAPageHeaderIsTheBoundaryAReplayReaches) {
  EXPECT_EQ(InsertPositionAsRecordEnd(0x2000 + 24), 0x2000u);        // a page's short header
  EXPECT_EQ(InsertPositionAsRecordEnd(0x3000000 + 40), 0x3000000u);  // a segment's long header
  EXPECT_EQ(InsertPositionAsRecordEnd(0x2000 + 48), 0x2000u + 48);   // inside a page: as is
}

TEST(WalPositionTest, RefusesMalformedText) {
  for (const char* bad : {"", "/", "1/", "/1", "12", "1/2/3", "G/1", "123456789/0", "1 /2"}) {
    EXPECT_FALSE(ParseWalPosition(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace recsys::store
