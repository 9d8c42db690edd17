#include "store/exposure_binary.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/time.h"
#include "service/exposure_sink.h"
#include "store/exposure_writer.h"

namespace recsys::store {
namespace {

// Reads back what AppendExposureBinaryCopy wrote: the rows' fields, nullopt for NULL.
class BinaryReader {
 public:
  explicit BinaryReader(std::string_view data) : data_(data) {}
  std::string_view Take(size_t n) {
    EXPECT_LE(n, data_.size());
    std::string_view taken = data_.substr(0, n);
    data_.remove_prefix(n);
    return taken;
  }
  int64_t Int(size_t bytes) {
    uint64_t value = 0;
    for (unsigned char c : Take(bytes)) value = value << 8 | c;
    if (bytes == 2) return static_cast<int16_t>(value);
    if (bytes == 4) return static_cast<int32_t>(value);
    return static_cast<int64_t>(value);
  }
  std::vector<std::optional<std::string>> Row() {
    std::vector<std::optional<std::string>> fields;
    const int64_t count = Int(2);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t length = Int(4);
      if (length < 0) {
        fields.emplace_back(std::nullopt);
      } else {
        fields.emplace_back(std::string(Take(static_cast<size_t>(length))));
      }
    }
    return fields;
  }
  bool done() const { return data_.empty(); }

 private:
  std::string_view data_;
};

service::Exposure Sample() {
  service::Exposure row;
  row.tenant_id = "00000000-0000-4000-8000-0000000000ab";
  row.occurred_at = 946684800LL * 1000000 + 1500000;  // 2000-01-01T00:00:01.5Z
  row.request_id = "0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b";
  row.surface = "home";
  row.segment = "default";
  row.user_key = std::string("\x00\xff\x10", 3);
  row.algo_version = "recsys-blend-1";
  row.request_json = R"({"k":3,"note":"tab\there\\ and\nline"})";
  row.response_json = R"({"items":["a"],"scores":[0.5]})";
  return row;
}

TEST(ExposureBinaryTest, ConvertsATextLineFieldByField) {
  std::string binary;
  ASSERT_TRUE(AppendExposureBinaryCopy(ExposureWriter::ToCopyLine(Sample()), &binary).ok());
  BinaryReader reader(binary);
  EXPECT_EQ(reader.Take(11), std::string_view("PGCOPY\n\377\r\n\0", 11));
  EXPECT_EQ(reader.Int(4), 0);
  EXPECT_EQ(reader.Int(4), 0);
  const auto fields = reader.Row();
  ASSERT_EQ(fields.size(), 15u);
  EXPECT_EQ(*fields[0], std::string("\0\0\0\0\0\0\x40\0\x80\0\0\0\0\0\0\xab", 16));
  BinaryReader at(*fields[1]);
  EXPECT_EQ(at.Int(8), 1500000);  // microseconds after PostgreSQL's epoch, 2000-01-01
  EXPECT_EQ(fields[2]->size(), 16u);
  EXPECT_EQ(*fields[3], "home");
  EXPECT_EQ(*fields[5], std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(fields[6].has_value());  // no session: NULL
  EXPECT_EQ(*fields[9], "recsys-blend-1");
  EXPECT_EQ(*fields[12], Sample().request_json);  // json: unescaped text, no version byte
  EXPECT_FALSE(fields[14].has_value());
  EXPECT_EQ(reader.Int(2), -1);  // trailer
  EXPECT_TRUE(reader.done());
}

TEST(ExposureBinaryTest, ConvertsManyLinesIntoOneStream) {
  std::string lines;
  for (int i = 0; i < 3; ++i) ExposureWriter::AppendCopyLine(Sample(), &lines);
  std::string binary;
  ASSERT_TRUE(AppendExposureBinaryCopy(lines, &binary).ok());
  BinaryReader reader(binary);
  reader.Take(19);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(reader.Row().size(), 15u);
  EXPECT_EQ(reader.Int(2), -1);
  EXPECT_TRUE(reader.done());
}

TEST(ExposureBinaryTest, RefusesLinesThatAreNotExposureRows) {
  const std::string good = ExposureWriter::ToCopyLine(Sample());
  std::string binary;
  auto refused = [&](std::string lines) {
    binary.clear();
    Status status = AppendExposureBinaryCopy(good + lines, &binary);
    return status.code() == StatusCode::kInvalidArgument &&
           status.message().find("exposure line 2") != std::string::npos;
  };
  EXPECT_TRUE(refused("a\tb\n"));                                   // too few fields
  EXPECT_TRUE(refused(good.substr(0, good.size() - 1) + "\tx\n"));  // too many
  service::Exposure bad = Sample();
  bad.tenant_id = "not-a-uuid";
  EXPECT_TRUE(refused(ExposureWriter::ToCopyLine(bad)));
  bad = Sample();
  bad.request_id = "0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1z";
  EXPECT_TRUE(refused(ExposureWriter::ToCopyLine(bad)));
  std::string torn = good.substr(0, good.size() / 2) + "\n";
  EXPECT_TRUE(refused(torn));
}

}  // namespace
}  // namespace recsys::store
