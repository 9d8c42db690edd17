#include "crypto/digest.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace recsys::crypto {
namespace {

TEST(DigestTest, Sha256MatchesKnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(DigestTest, HmacSha256MatchesRfc4231Case2) {
  EXPECT_EQ(ToHex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(DigestTest, HmacSha256MatchesRfc4231Case6WithAKeyLongerThanABlock) {
  EXPECT_EQ(ToHex(HmacSha256(std::string(131, '\xaa'),
                             "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(DigestTest, HmacSha256OfABlockSizedKeyAndEmptyData) {
  // Reference value from Python's hmac module: a 64-byte key is used as it is, not hashed.
  EXPECT_EQ(ToHex(HmacSha256(std::string(64, 'k'), "")),
            "83026a325aaee70e36cfe607536aa1054104ad1077c36134810d4ccded1ccd3b");
}

TEST(DigestTest, HmacSha256GivesTheSameAnswerOnManyThreadsAtOnce) {
  const std::string expected = HmacSha256("secret", "user-42");
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (HmacSha256("secret", "user-42") != expected) ++mismatches;
        if (HmacSha256("other", "user-42") == expected) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace recsys::crypto
