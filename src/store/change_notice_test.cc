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

TEST(ChangeNoticeTest, UnreadablePayloadsAreNullopt) {
  EXPECT_FALSE(ParseChangeNotice("signals"));
  EXPECT_FALSE(ParseChangeNotice(R"({"tenant": "t"})"));
  EXPECT_FALSE(ParseChangeNotice(R"({"tenant": "t", "scope": "everything"})"));
  EXPECT_FALSE(ParseChangeNotice(R"({"scope": "control"})"));
  EXPECT_TRUE(ParseChangeNotice(R"({"scope": "all"})"));
}

}  // namespace
}  // namespace recsys::store
