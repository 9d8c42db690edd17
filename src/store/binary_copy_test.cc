#include "store/binary_copy.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/parse_number.h"

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

// The decimal text of units × 10^-scale, as numeric_out writes it.
std::string DecimalText(int64_t units, int scale) {
  std::string digits = std::to_string(units < 0 ? -units : units);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) {
      digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  return (units < 0 ? "-" : "") + digits;
}

TEST(BinaryCopyTest, NumericsReadAsTheDoubleTheirTextParsesTo) {
  std::mt19937_64 random(7);
  for (int i = 0; i < 200000; ++i) {
    const int scale = static_cast<int>(random() % 9);
    // PutNumericField's domain: units × 10^(8 - scale) below 2^64.
    uint64_t limit = 10'000'000'000ULL;
    for (int s = 0; s < scale; ++s) limit *= 10;
    const auto magnitude = static_cast<int64_t>((random() % limit) >> (random() % 40));
    const int64_t units = random() % 4 == 0 ? -magnitude : magnitude;
    std::string field;
    PutNumericField(&field, units, scale);
    const std::optional<double> read = ReadNumericField(std::string_view(field).substr(4));
    ASSERT_TRUE(read.has_value()) << DecimalText(units, scale);
    ASSERT_EQ(*read, *ParseFiniteDouble(DecimalText(units, scale))) << DecimalText(units, scale);
  }
}

TEST(BinaryCopyTest, NumericsThatAreNotFiniteOrWellFormedAreRefused) {
  const std::string nan("\0\0\0\0\xc0\0\0\0", 8);  // numeric_send's NaN
  EXPECT_FALSE(ReadNumericField(nan).has_value());
  EXPECT_FALSE(ReadNumericField(std::string("\0\1\0\0\0\0\0\0", 8)).has_value());  // no digit
  EXPECT_FALSE(ReadNumericField(std::string("\0\1\0\0\0\0\0\0\x27\x10", 10)).has_value());
  EXPECT_EQ(ReadNumericField(std::string("\0\0\0\0\0\0\0\6", 8)), 0.0);
}

// array_send's form of a text[]: dimensions, has-nulls, element type, then each dimension's
// length and lower bound, then the elements (-1: NULL).
std::string TextArray(const std::vector<const char*>& elements) {
  std::string out;
  PutInt32(&out, 1);
  PutInt32(&out, 1);
  PutInt32(&out, 25);
  PutInt32(&out, static_cast<int32_t>(elements.size()));
  PutInt32(&out, 1);
  for (const char* e : elements) {
    if (e == nullptr) {
      PutInt32(&out, -1);
    } else {
      PutTextField(&out, e);
    }
  }
  return out;
}

std::optional<std::vector<std::string>> Elements(std::string_view bytes) {
  std::vector<std::string> out;
  if (!ForEachBinaryArrayElement(bytes, [&](std::string_view e) { out.emplace_back(e); })) {
    return std::nullopt;
  }
  return out;
}

TEST(BinaryCopyTest, ArraysGiveTheirElementsAndSkipNulls) {
  using Strings = std::vector<std::string>;
  EXPECT_EQ(Elements(TextArray({"a b", nullptr, "x,\"y\"", ""})), (Strings{"a b", "x,\"y\"", ""}));
  std::string empty;
  for (int i = 0; i < 3; ++i) PutInt32(&empty, i == 2 ? 25 : 0);
  EXPECT_EQ(Elements(empty), Strings{});
  const std::string two = TextArray({"a", "b"});
  EXPECT_EQ(Elements(two.substr(0, two.size() - 1)), std::nullopt);  // torn
  EXPECT_EQ(Elements(two + "x"), std::nullopt);                      // trailing bytes
  std::string matrix = two;
  matrix[3] = 2;  // two dimensions
  EXPECT_EQ(Elements(matrix), std::nullopt);
}

}  // namespace
}  // namespace recsys::store
