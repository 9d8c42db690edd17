#include "core/json_writer.h"

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <string>

namespace recsys::json {
namespace {

std::string Fixed(double value, int decimals) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  WriteFixed(w, value, decimals);
  w.EndArray();
  const std::string text = buffer.GetString();
  return text.substr(1, text.size() - 2);
}

TEST(JsonWriterTest, WriteFixedRoundsAndDropsTrailingZeros) {
  EXPECT_EQ(Fixed(0.25, 6), "0.25");
  EXPECT_EQ(Fixed(1, 6), "1.0");
  EXPECT_EQ(Fixed(0, 6), "0.0");
  EXPECT_EQ(Fixed(-0.0, 6), "0.0");
  EXPECT_EQ(Fixed(0.9999994, 6), "0.999999");
  EXPECT_EQ(Fixed(0.9999996, 6), "1.0");
  EXPECT_EQ(Fixed(0.0000004, 6), "0.0");
  EXPECT_EQ(Fixed(0.000012, 6), "0.000012");
  EXPECT_EQ(Fixed(-3.5, 6), "-3.5");
  EXPECT_EQ(Fixed(-0.0000001, 6), "0.0");
  EXPECT_EQ(Fixed(12345.678901, 3), "12345.679");
  EXPECT_EQ(Fixed(0.123456789, 9), "0.123456789");
}

TEST(JsonWriterTest, WriteFixedAgreesWithTheParsedValueWithinHalfAUnit) {
  for (int i = 0; i < 10000; ++i) {
    const double value = std::sin(i) * std::pow(10, i % 7 - 2);
    EXPECT_NEAR(std::stod(Fixed(value, 6)), value, 0.5e-6 + 1e-12) << value;
  }
}

TEST(JsonWriterTest, WriteFixedLeavesHugeValuesToDouble) {
  EXPECT_EQ(Fixed(1e300, 6), "1e300");
  EXPECT_EQ(Fixed(-1e10, 6), "-10000000000.0");
}

}  // namespace
}  // namespace recsys::json
