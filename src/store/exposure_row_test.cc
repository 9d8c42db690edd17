#include "store/exposure_row.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/time.h"
#include "service/exposure_sink.h"

namespace recsys::store {
namespace {

// Reads back tuples: the rows' fields, nullopt for NULL.
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

std::string Tuple(const service::Exposure& row) {
  std::string tuple;
  EXPECT_TRUE(AppendExposureTuple(row, &tuple));
  return tuple;
}

std::string Line(const service::Exposure& row) {
  std::string line;
  AppendExposureLine(row, &line);
  return line;
}

TEST(ExposureRowTest, TupleHasEachFieldInItsBinaryForm) {
  const std::string tuple = Tuple(Sample());
  BinaryReader reader(tuple);
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
  EXPECT_EQ(*fields[13], Sample().response_json);
  EXPECT_FALSE(fields[14].has_value());
  EXPECT_TRUE(reader.done());
  EXPECT_EQ(ExposureTupleSize(tuple), tuple.size());
}

TEST(ExposureRowTest, EmptyRequiredTextStaysEmptyAndOptionalTextIsNull) {
  service::Exposure row = Sample();
  row.surface.clear();
  row.user_key.clear();
  row.config_etag = "etag";
  const std::string tuple = Tuple(row);
  BinaryReader reader(tuple);
  const auto fields = reader.Row();
  EXPECT_EQ(fields[3], std::optional<std::string>(""));
  EXPECT_FALSE(fields[5].has_value());
  EXPECT_EQ(fields[10], std::optional<std::string>("etag"));
}

TEST(ExposureRowTest, RefusesARowWhoseIdsAreNotUuids) {
  std::string out = "kept";
  service::Exposure bad = Sample();
  bad.tenant_id = "not-a-uuid";
  EXPECT_FALSE(AppendExposureTuple(bad, &out));
  bad = Sample();
  bad.request_id = "0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1z";
  EXPECT_FALSE(AppendExposureTuple(bad, &out));
  EXPECT_EQ(out, "kept");
  EXPECT_EQ(Line(bad).substr(0, 37), "00000000-0000-4000-8000-0000000000ab\t");  // a line still
}

TEST(ExposureRowTest, TuplesAndLinesConvertBothWays) {
  service::Exposure other = Sample();
  other.user_key.clear();
  other.session_id = "s-1";
  other.experiment_id = "exp";
  other.meta_json = R"({"timings":{"rank_us":12}})";
  other.occurred_at = 1764979200LL * 1000000 + 123456;
  const std::string tuples = Tuple(Sample()) + Tuple(other) + Tuple(Sample());
  EXPECT_EQ(CountExposureTuples(tuples), 3u);
  std::string lines;
  AppendExposureLines(tuples, &lines);
  EXPECT_EQ(lines, Line(Sample()) + Line(other) + Line(Sample()));
  std::string back;
  for (size_t at = 0; at < lines.size();) {
    const size_t end = lines.find('\n', at);
    ASSERT_TRUE(
        AppendExposureTupleFromLine(std::string_view(lines).substr(at, end - at), &back).ok());
    at = end + 1;
  }
  EXPECT_EQ(back, tuples);
}

TEST(ExposureRowTest, SizeIsZeroForATornTuple) {
  const std::string tuple = Tuple(Sample());
  for (size_t cut :
       {size_t{0}, size_t{1}, size_t{2}, size_t{7}, tuple.size() / 2, tuple.size() - 1}) {
    EXPECT_EQ(ExposureTupleSize(tuple.substr(0, cut)), 0u) << cut;
  }
  EXPECT_EQ(CountExposureTuples(tuple + tuple.substr(0, 10)), 1u);
}

TEST(ExposureRowTest, RefusesLinesThatAreNotExposureRows) {
  const std::string good = Line(Sample());
  auto refused = [](std::string line) {
    std::string out = "kept";
    if (!line.empty() && line.back() == '\n') line.pop_back();
    Status status = AppendExposureTupleFromLine(line, &out);
    return status.code() == StatusCode::kInvalidArgument && out == "kept";
  };
  EXPECT_FALSE(refused(good));
  EXPECT_TRUE(refused("a\tb\n"));                                   // too few fields
  EXPECT_TRUE(refused(good.substr(0, good.size() - 1) + "\tx\n"));  // too many
  service::Exposure bad = Sample();
  bad.tenant_id = "not-a-uuid";
  EXPECT_TRUE(refused(Line(bad)));
  bad = Sample();
  bad.request_id = "0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1z";
  EXPECT_TRUE(refused(Line(bad)));
  EXPECT_TRUE(refused(good.substr(0, good.size() / 2)));  // torn
}

}  // namespace
}  // namespace recsys::store
