#include "store/change_notice.h"

#include <gtest/gtest.h>

namespace recsys::store {
namespace {

TEST(ChangeNoticeTest, RoundTripsEveryScope) {
  for (ChangeScope scope : {ChangeScope::kControl, ChangeScope::kCatalog, ChangeScope::kSignals}) {
    auto parsed = ParseChangeNotice(EncodeChangeNotice({"shop \"1\"", scope}));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->tenant, "shop \"1\"");
    EXPECT_EQ(parsed->scope, scope);
  }
}

TEST(ChangeNoticeTest, ATenantNamedLikeAScopeDoesNotChangeTheScope) {
  auto parsed = ParseChangeNotice(EncodeChangeNotice({"signals", ChangeScope::kControl}));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->scope, ChangeScope::kControl);
  parsed = ParseChangeNotice(EncodeChangeNotice({"all-rules", ChangeScope::kCatalog}));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->scope, ChangeScope::kCatalog);
}

TEST(ChangeNoticeTest, CarriesTheWalPositionWhenGiven) {
  auto parsed = ParseChangeNotice(EncodeChangeNotice({"t", ChangeScope::kControl, 0x1A0000FF0}));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->lsn, 0x1A0000FF0u);
  parsed = ParseChangeNotice(R"({"tenant": "t", "scope": "signals", "lsn": "0/16B3748"})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->lsn, 0x16B3748u);
  // Older senders send none; a malformed one is as none (the listener's own reading covers it).
  EXPECT_EQ(ParseChangeNotice(R"({"tenant": "t", "scope": "control"})")->lsn, 0u);
  EXPECT_EQ(ParseChangeNotice(R"({"tenant": "t", "scope": "control", "lsn": "x"})")->lsn, 0u);
}

TEST(ChangeNoticeTest, UnreadablePayloadsAreNullopt) {
  EXPECT_FALSE(ParseChangeNotice("signals"));
  EXPECT_FALSE(ParseChangeNotice(R"({"tenant": "t"})"));
  EXPECT_FALSE(ParseChangeNotice(R"({"tenant": "t", "scope": "everything"})"));
  EXPECT_FALSE(ParseChangeNotice(R"({"scope": "control"})"));
  EXPECT_TRUE(ParseChangeNotice(R"({"scope": "all"})"));
}

}  // namespace
}  // namespace recsys::store
