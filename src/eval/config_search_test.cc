#include "eval/config_search.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

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
  EXPECT_EQ(result.value().best_name, "start + a=3 b=2");
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

// Two peaks that single changes cannot leave: (1, 1) scores 5, (3, 3) scores 10, and every other
// point 0 but the starts (1, 0) and (3, 0), which score 1. Ascent from (1, 0) climbs to (1, 1)
// and stays there: any one change from it scores 0.
double Peaks(const std::string& json) {
  const std::string a = json.substr(2, json.find(';') - 2), b = json.substr(json.find(";b=") + 3);
  if (a == "1" && b == "1") return 5;
  if (a == "3" && b == "3") return 10;
  if ((a == "1" || a == "3") && b == "0") return 1;
  return 0;
}

TEST(ConfigSearchTest, SeveralStartsFindThePeakOneStartMisses) {
  const SearchAxis axes[] = {{"a", {"0", "1", "2", "3", "4"}}, {"b", {"0", "1", "2", "3", "4"}}};
  std::multiset<std::string> passed;  // every document the scorer saw
  auto scorer = [&](const std::vector<std::string>& documents,
                    const std::vector<std::string>&) -> Result<std::vector<double>> {
    std::vector<double> scores;
    for (const std::string& d : documents) {
      passed.insert(d);
      scores.push_back(Peaks(d));
    }
    return scores;
  };
  auto single = CoordinateAscent("a=1;b=0", axes, 5, Set, scorer, "low");
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single.value().best_json, "a=1;b=1");
  EXPECT_EQ(single.value().best_name, "low + b=1");
  EXPECT_EQ(single.value().best_score, 5);

  passed.clear();
  const SearchStart starts[] = {{"low", "a=1;b=0"}, {"high", "a=3;b=0"}};
  auto multi = MultiStartAscent(starts, axes, 5, Set, scorer);
  ASSERT_TRUE(multi.ok());
  ASSERT_EQ(multi.value().runs.size(), 2u);
  EXPECT_EQ(multi.value().best, 1u);
  const SearchResult& low = multi.value().runs[0];
  const SearchResult& high = multi.value().runs[1];
  EXPECT_EQ(low.start_name, "low");
  EXPECT_EQ(low.start_score, 1);
  EXPECT_EQ(low.best_score, 5);  // each run is reported, the one that got stuck too
  EXPECT_EQ(high.start_name, "high");
  EXPECT_EQ(high.best_json, "a=3;b=3");
  EXPECT_EQ(high.best_name, "high + b=3");
  EXPECT_EQ(high.best_score, 10);
  // Documents both runs reach, such as (0, 0), were scored once.
  std::set<std::string> distinct(passed.begin(), passed.end());
  EXPECT_EQ(distinct.size(), passed.size());
  EXPECT_EQ(multi.value().evaluated, static_cast<int>(passed.size()));
  EXPECT_LT(multi.value().evaluated, low.evaluated + high.evaluated);
}

// A start with axes of its own climbs only along them: the same start free finds b = 1 (5),
// held to `a` it cannot leave b = 0 (1); given only `b` from a = 3 it finds the peak (10).
TEST(ConfigSearchTest, AStartWithItsOwnAxesClimbsOnlyAlongThem) {
  const SearchAxis axes[] = {{"a", {"0", "1", "2", "3", "4"}}, {"b", {"0", "1", "2", "3", "4"}}};
  auto scorer = [](const std::vector<std::string>& documents,
                   const std::vector<std::string>&) -> Result<std::vector<double>> {
    std::vector<double> scores;
    for (const std::string& d : documents) scores.push_back(Peaks(d));
    return scores;
  };
  const SearchStart starts[] = {
      {"free", "a=1;b=0"},
      {"only a", "a=1;b=0", std::vector<SearchAxis>{{"a", {"0", "1", "2", "3", "4"}}}},
      {"only b", "a=3;b=0", std::vector<SearchAxis>{{"b", {"0", "1", "2", "3", "4"}}}}};
  auto multi = MultiStartAscent(starts, axes, 5, Set, scorer);
  ASSERT_TRUE(multi.ok());
  EXPECT_EQ(multi.value().runs[0].best_json, "a=1;b=1");
  EXPECT_EQ(multi.value().runs[1].best_json, "a=1;b=0");
  EXPECT_EQ(multi.value().runs[1].best_score, 1);
  EXPECT_EQ(multi.value().runs[2].best_json, "a=3;b=3");
  EXPECT_EQ(multi.value().best, 2u);
}

TEST(ConfigSearchTest, SeveralStartsKeepTheFirstOfEqualBestsAndStopOnErrors) {
  const SearchAxis axes[] = {{"a", {"1", "5"}}};
  auto bowl = [](const std::vector<std::string>& documents,
                 const std::vector<std::string>&) -> Result<std::vector<double>> {
    std::vector<double> scores;
    for (const std::string& d : documents) scores.push_back(Bowl(d));
    return scores;
  };
  const SearchStart twins[] = {{"first", "a=3;b=2"}, {"second", "a=3;b=2"}};
  auto tie = MultiStartAscent(twins, axes, 2, Set, bowl);
  ASSERT_TRUE(tie.ok());
  EXPECT_EQ(tie.value().best, 0u);
  EXPECT_EQ(tie.value().runs[1].best_name, "second");
  EXPECT_EQ(tie.value().evaluated, 3);  // the twin start was not scored again

  const SearchAxis bad[] = {{"bad", {"1"}}};
  EXPECT_EQ(MultiStartAscent(twins, bad, 2, Set, bowl).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace recsys::eval
