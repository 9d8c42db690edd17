#include "eval/config_search.h"

#include <gtest/gtest.h>

#include <map>

namespace recsys::eval {
namespace {

// Documents are "a=<v>;b=<v>" strings; the score peaks at a=3, b=2 (a concave bowl), so
// coordinate ascent reaches it from anywhere in two rounds.
Result<std::string> Set(const std::string& json, const std::string& path,
                        const std::string& value) {
  std::map<std::string, std::string> fields;
  size_t start = 0;
  while (start < json.size()) {
    size_t end = json.find(';', start);
    if (end == std::string::npos) end = json.size();
    const std::string field = json.substr(start, end - start);
    fields[field.substr(0, field.find('='))] = field.substr(field.find('=') + 1);
    start = end + 1;
  }
  if (path == "bad") return Status::InvalidArgument("bad: no such setting");
  fields[path] = value;
  return "a=" + fields["a"] + ";b=" + fields["b"];
}

double Bowl(const std::string& json) {
  const double a = std::stod(json.substr(2, json.find(';') - 2));
  const double b = std::stod(json.substr(json.find(";b=") + 3));
  return -(a - 3) * (a - 3) - (b - 2) * (b - 2);
}

TEST(ConfigSearchTest, ClimbsToTheBestCombinationAndNamesTheChanges) {
  const SearchAxis axes[] = {{"a", {"1", "2", "3", "4"}}, {"b", {"0", "1", "2", "3"}}};
  int calls = 0;
  auto result =
      CoordinateAscent("a=1;b=0", axes, 5, Set,
                       [&](const std::vector<std::string>& documents,
                           const std::vector<std::string>& names) -> Result<std::vector<double>> {
                         ++calls;
                         EXPECT_EQ(documents.size(), names.size());
                         std::vector<double> scores;
                         for (const std::string& d : documents) scores.push_back(Bowl(d));
                         return scores;
                       });
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().best_json, "a=3;b=2");
  EXPECT_EQ(result.value().best_name, "a=3 b=2");
  EXPECT_EQ(result.value().best_score, 0);
  EXPECT_EQ(result.value().start_score, -8);
  EXPECT_EQ(result.value().rounds, 2);  // the second round changes nothing
  EXPECT_EQ(calls, 1 + 2 * 2);
}

TEST(ConfigSearchTest, KeepsTheStartWhenNothingBeatsIt) {
  const SearchAxis axes[] = {{"a", {"1", "5"}}};
  auto result =
      CoordinateAscent("a=3;b=2", axes, 3, Set,
                       [](const std::vector<std::string>& documents,
                          const std::vector<std::string>&) -> Result<std::vector<double>> {
                         std::vector<double> scores;
                         for (const std::string& d : documents) scores.push_back(Bowl(d));
                         return scores;
                       });
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().best_name, "start");
  EXPECT_EQ(result.value().rounds, 1);
  EXPECT_EQ(result.value().evaluated, 3);
}

TEST(ConfigSearchTest, ErrorsOfTheSetterOrTheScorerStopTheSearch) {
  const SearchAxis bad[] = {{"bad", {"1"}}};
  auto scorer = [](const std::vector<std::string>& documents,
                   const std::vector<std::string>&) -> Result<std::vector<double>> {
    return std::vector<double>(documents.size(), 0.0);
  };
  EXPECT_EQ(CoordinateAscent("a=1;b=1", bad, 2, Set, scorer).status().code(),
            StatusCode::kInvalidArgument);
  const SearchAxis axes[] = {{"a", {"2"}}};
  auto failing = [](const std::vector<std::string>&,
                    const std::vector<std::string>&) -> Result<std::vector<double>> {
    return Status::FailedPrecondition("no users");
  };
  EXPECT_EQ(CoordinateAscent("a=1;b=1", axes, 2, Set, failing).status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace recsys::eval
