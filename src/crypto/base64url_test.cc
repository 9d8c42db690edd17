#include "crypto/base64url.h"

#include <gtest/gtest.h>

namespace recsys::crypto {
namespace {

TEST(Base64UrlTest, EncodesWithoutPaddingAndRoundTrips) {
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  bool ok = false;
  EXPECT_EQ(Base64UrlDecode("-_8", &ok), "\xfb\xff");
  EXPECT_TRUE(ok);
  EXPECT_EQ(Base64UrlDecode("Zm9vYg==", &ok), "foob");
  EXPECT_TRUE(ok);
  Base64UrlDecode("not base64!", &ok);
  EXPECT_FALSE(ok);
}

}  // namespace
}  // namespace recsys::crypto
