#include "core/day_signals.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace recsys {
namespace {

constexpr double kWeights[] = {0, 1, 2, 3, 5};

std::string Render(const std::vector<DaySignals::ItemScore>& rows) {
  std::string out;
  for (const auto& r : rows) {
    char score[32];
    std::snprintf(score, sizeof score, "%g", r.score);
    if (!out.empty()) out.push_back(' ');
    out.append(r.item).append("=").append(score);
  }
  return out;
}

std::string Render(const std::vector<DaySignals::PairScore>& rows) {
  std::string out;
  for (const auto& r : rows) {
    char score[32];
    std::snprintf(score, sizeof score, "%g", r.score);
    if (!out.empty()) out.push_back(' ');
    out.append(r.item).append(">").append(r.neighbour).append("=").append(score);
  }
  return out;
}

// The same day as the builder's SQL test (store/signal_builder_test.cc): both must agree.
TEST(DaySignalsTest, MatchesTheDefinitionsInRankingMd) {
  DaySignals day(kWeights);
  const TimestampUs t = *ParseRfc3339("2026-11-01T10:00:00Z");
  constexpr TimestampUs kMinute = 60000000;
  int64_t id = 0;
  day.Add("default", "A", "s:s1", EventType::kView, t, ++id);
  day.Add("default", "B", "s:s1", EventType::kView, t + kMinute, ++id);
  day.Add("default", "B", "s:s1", EventType::kPurchase, t + 2 * kMinute, ++id);
  day.Add("default", "C", "s:s1", EventType::kClick, t + 3 * kMinute, ++id);
  day.Add("default", "D", "s:s1", EventType::kImpression, t + 3 * kMinute, ++id);
  day.Add("default", "A", "s:s1", EventType::kView, t + 4 * kMinute, ++id);
  day.Add("default", "A", "u:u2", EventType::kView, t + 60 * kMinute, ++id);
  day.Add("default", "C", "u:u2", EventType::kView, t + 61 * kMinute, ++id);
  std::vector<DaySignals::ItemScore> popularity;
  std::vector<DaySignals::PairScore> covisit, sequence;
  day.Finish(&popularity, &covisit, &sequence);
  EXPECT_EQ(Render(popularity), "A=3 B=6 C=3");
  EXPECT_EQ(Render(covisit), "A>B=1 A>C=2 B>A=1 B>C=1 C>A=2 C>B=1");
  EXPECT_EQ(Render(sequence), "A>B=1 A>C=1.5 B>A=0.5 B>C=1 C>A=1");
}

TEST(DaySignalsTest, ASessionPairsOnlyItsFirstFiftyItems) {
  DaySignals day(kWeights);
  for (int i = 0; i < 60; ++i) {
    char item[8];
    std::snprintf(item, sizeof item, "i%02d", i);
    day.Add("home", item, "s:long", EventType::kView, 1000 + i, i);
  }
  std::vector<DaySignals::ItemScore> popularity;
  std::vector<DaySignals::PairScore> covisit, sequence;
  day.Finish(&popularity, &covisit, &sequence);
  EXPECT_EQ(popularity.size(), 60u);
  EXPECT_EQ(covisit.size(), 50u * 49u);
  EXPECT_EQ(sequence.size(), 59u + 58u + 57u);
  EXPECT_EQ(covisit[0].ns, "home");
}

}  // namespace
}  // namespace recsys
