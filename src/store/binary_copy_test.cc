#include "store/binary_copy.h"

#include <gtest/gtest.h>

#include <vector>

namespace recsys::store {
namespace {

// A numeric field decoded to its int16 words (digit count, weight, sign, scale, digits...);
// checks the length prefix on the way.
std::vector<int> NumericWords(int64_t units, int scale) {
  std::string out;
  PutNumericField(&out, units, scale);
  auto byte = [&](size_t i) { return static_cast<unsigned char>(out[i]); };
  const int32_t length = (byte(0) << 24) | (byte(1) << 16) | (byte(2) << 8) | byte(3);
  EXPECT_EQ(static_cast<size_t>(length) + 4, out.size());
  std::vector<int> words;
  for (size_t i = 4; i + 1 < out.size(); i += 2) {
    words.push_back(static_cast<int16_t>((byte(i) << 8) | byte(i + 1)));
  }
  return words;
}

TEST(BinaryCopyTest, NumericsAreBase10000DigitsWithoutOuterZeros) {
  EXPECT_EQ(NumericWords(0, 6), (std::vector<int>{0, 0, 0, 6}));
  EXPECT_EQ(NumericWords(3'000'000, 6), (std::vector<int>{1, 0, 0, 6, 3}));
  EXPECT_EQ(NumericWords(1'500'000, 6), (std::vector<int>{2, 0, 0, 6, 1, 5000}));
  EXPECT_EQ(NumericWords(333'333, 6), (std::vector<int>{2, -1, 0, 6, 3333, 3300}));
  EXPECT_EQ(NumericWords(1, 6), (std::vector<int>{1, -2, 0, 6, 100}));
  EXPECT_EQ(NumericWords(123'456'789'500'000, 6),
            (std::vector<int>{4, 2, 0, 6, 1, 2345, 6789, 5000}));
  EXPECT_EQ(NumericWords(100'000'000'000'000, 6), (std::vector<int>{1, 2, 0, 6, 1}));
  EXPECT_EQ(NumericWords(-2'500'000, 6), (std::vector<int>{2, 0, 0x4000, 6, 2, 5000}));
  EXPECT_EQ(NumericWords(25, 1), (std::vector<int>{2, 0, 0, 1, 2, 5000}));
}

TEST(BinaryCopyTest, DatesCountFromPostgresEpochAndUuidsAreSixteenBytes) {
  std::string out;
  PutDateField(&out, 10957 + 3);  // 2000-01-04
  EXPECT_EQ(out, std::string("\0\0\0\4\0\0\0\3", 8));
  out.clear();
  ASSERT_TRUE(PutUuidField(&out, "00112233-4455-6677-8899-aabbccddeeff"));
  EXPECT_EQ(out.size(), 20u);
  EXPECT_EQ(static_cast<unsigned char>(out[4 + 15]), 0xff);
  out.clear();
  EXPECT_FALSE(PutUuidField(&out, "not-a-uuid"));
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace recsys::store
