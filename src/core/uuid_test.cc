#include "core/uuid.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>

namespace recsys {
namespace {

TEST(UuidTest, RecognisesCanonicalForm) {
  EXPECT_TRUE(IsUuid("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_TRUE(IsUuid("123E4567-E89B-12D3-A456-426614174000"));
  EXPECT_FALSE(IsUuid(""));
  EXPECT_FALSE(IsUuid("123e4567e89b12d3a456426614174000"));
  EXPECT_FALSE(IsUuid("123e4567-e89b-12d3-a456-42661417400g"));
  EXPECT_FALSE(IsUuid("'; DROP TABLE tenants; --xxxxxxxxxxxxx"));
}

TEST(UuidTest, NewUuidsAreVersion4AndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewUuidV4();
    ASSERT_TRUE(IsUuid(id)) << id;
    EXPECT_EQ(id[14], '4');
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(UuidTest, NewV7UuidsCarryTheTimeAndSortByIt) {
  const auto now_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  const long long before = now_ms();
  const std::string first = NewUuidV7();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const std::string second = NewUuidV7();
  const long long after = now_ms();
  for (const std::string& id : {first, second}) {
    ASSERT_TRUE(IsUuid(id)) << id;
    EXPECT_EQ(id[14], '7');
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
    const long long millis = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
    EXPECT_GE(millis, before);
    EXPECT_LE(millis, after);
  }
  EXPECT_LT(first, second);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(NewUuidV7());
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace recsys
