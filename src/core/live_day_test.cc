#include "core/live_day.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <tuple>

#include "core/day_signals.h"

namespace recsys {
namespace {

constexpr double kWeights[] = {0.5, 1, 2, 3, 5};
constexpr TimestampUs kMinute = 60000000;

struct TestEvent {
  std::string item, session;
  EventType type;
  TimestampUs at;
  int64_t id;
};

// Folds events into a LiveDay and renders its rows the way DaySignals' are rendered, so that the
// two can be compared as text.
class LiveFold {
 public:
  LiveFold() : day_(kWeights, &ids_) {}

  void Add(const TestEvent& e) {
    auto [it, added] = index_.emplace(e.item, ids_.Intern(e.item));
    day_.Add(it->second, e.session, e.type, e.at, e.id, &touched_);
  }

  std::string Popularity() const {
    std::string out;
    for (const auto& [id, item] : index_) {
      if (day_.popularity(item) > 0) Append(out, id, "", day_.popularity(item));
    }
    return out;
  }
  std::string Pairs(bool sequence) const {
    std::string out;
    for (const auto& [id, item] : index_) {
      std::map<std::string, double> sorted;
      for (const auto& p : sequence ? day_.sequence(item) : day_.covisit(item)) {
        sorted[std::string(ids_.id(p.item))] =
            sequence ? p.count / LiveDay::kSequenceUnit : p.count;
      }
      for (const auto& [neighbour, score] : sorted) Append(out, id, neighbour, score);
    }
    return out;
  }
  const std::vector<uint32_t>& touched() const { return touched_; }
  const LiveDay& day() const { return day_; }

 private:
  static void Append(std::string& out, const std::string& item, const std::string& neighbour,
                     double score) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6f", score);
    if (!out.empty()) out.push_back(' ');
    out.append(item);
    if (!neighbour.empty()) out.append(">").append(neighbour);
    out.append("=").append(text);
  }

  IdTable ids_;
  std::map<std::string, uint32_t> index_;  // ordered: renders by item id
  LiveDay day_;
  std::vector<uint32_t> touched_;
};

struct Expected {
  std::string popularity, covisit, sequence;
};

Expected FromDaySignals(const std::vector<TestEvent>& events) {
  DaySignals day(kWeights);
  for (const TestEvent& e : events) day.Add("ns", e.item, e.session, e.type, e.at, e.id);
  std::vector<DaySignals::ItemScore> popularity;
  std::vector<DaySignals::PairScore> covisit, sequence;
  day.Finish(&popularity, &covisit, &sequence);
  auto render = [](const auto& rows) {
    std::string out;
    for (const auto& r : rows) {
      char text[32];
      std::snprintf(text, sizeof text, "%.6f", r.score);
      if (!out.empty()) out.push_back(' ');
      out.append(r.item);
      if constexpr (requires { r.neighbour; }) out.append(">").append(r.neighbour);
      out.append("=").append(text);
    }
    return out;
  };
  return {render(popularity), render(covisit), render(sequence)};
}

void ExpectSameAsDaySignals(const std::vector<TestEvent>& events) {
  LiveFold live;
  for (const TestEvent& e : events) live.Add(e);
  const Expected expected = FromDaySignals(events);
  EXPECT_EQ(live.Popularity(), expected.popularity);
  EXPECT_EQ(live.Pairs(false), expected.covisit);
  EXPECT_EQ(live.Pairs(true), expected.sequence);
}

TEST(LiveDayTest, FoldsTheDayOfRankingMdLikeDaySignals) {
  const TimestampUs t = *ParseRfc3339("2026-11-01T10:00:00Z");
  int64_t id = 0;
  std::vector<TestEvent> events = {
      {"A", "s:s1", EventType::kView, t, ++id},
      {"B", "s:s1", EventType::kView, t + kMinute, ++id},
      {"B", "s:s1", EventType::kPurchase, t + 2 * kMinute, ++id},
      {"C", "s:s1", EventType::kClick, t + 3 * kMinute, ++id},
      {"D", "s:s1", EventType::kImpression, t + 3 * kMinute, ++id},
      {"A", "s:s1", EventType::kView, t + 4 * kMinute, ++id},
      {"A", "u:u2", EventType::kView, t + 60 * kMinute, ++id},
      {"C", "u:u2", EventType::kView, t + 61 * kMinute, ++id},
  };
  LiveFold live;
  for (const TestEvent& e : events) live.Add(e);
  EXPECT_EQ(live.Popularity(), "A=3.000000 B=6.000000 C=3.000000 D=0.500000");
  EXPECT_EQ(live.Pairs(false),
            "A>B=1.000000 A>C=2.000000 B>A=1.000000 B>C=1.000000 C>A=2.000000 C>B=1.000000");
  EXPECT_EQ(live.Pairs(true), "A>B=1.000000 A>C=1.500000 B>A=0.500000 B>C=1.000000 C>A=1.000000");
  ExpectSameAsDaySignals(events);
}

TEST(LiveDayTest, ALateEventInsideASessionIsFoldedInItsPlace) {
  const TimestampUs t = *ParseRfc3339("2026-11-01T10:00:00Z");
  // B arrives last but happened between A and C: the sequence is A, B, C, not A, C, B.
  std::vector<TestEvent> events = {
      {"A", "s:x", EventType::kView, t, 1},
      {"C", "s:x", EventType::kView, t + 2 * kMinute, 2},
      {"B", "s:x", EventType::kView, t + kMinute, 3},
  };
  LiveFold live;
  for (const TestEvent& e : events) live.Add(e);
  EXPECT_EQ(live.Pairs(true), "A>B=1.000000 A>C=0.500000 B>C=1.000000");
  ExpectSameAsDaySignals(events);
}

TEST(LiveDayTest, AnItemTiedWithTheFiftiethFirstOccurrenceDisplacesItByItsId) {
  const TimestampUs t = *ParseRfc3339("2026-11-01T10:00:00Z");
  std::vector<TestEvent> events;
  for (int i = 0; i < 50; ++i) {
    char item[8];
    std::snprintf(item, sizeof item, "i%02d", i + 10);
    events.push_back({item, "s:x", EventType::kView, t + (i < 49 ? i : 49) * kMinute, i + 1});
  }
  // At the same instant as i59, the 50th: "i05" sorts first, so it takes i59's place.
  events.push_back({"i05", "s:x", EventType::kView, t + 49 * kMinute, 51});
  ExpectSameAsDaySignals(events);
  LiveFold live;
  for (const TestEvent& e : events) live.Add(e);
  EXPECT_EQ(live.Pairs(false).find("i10>i59"), std::string::npos);
  EXPECT_NE(live.Pairs(false).find("i10>i05"), std::string::npos);
}

TEST(LiveDayTest, RandomStreamsInAnyOrderMatchDaySignals) {
  std::mt19937 random(7);
  for (int round = 0; round < 40; ++round) {
    const int items = 5 + static_cast<int>(random() % 120);
    const int sessions = 1 + static_cast<int>(random() % 8);
    const int count = 50 + static_cast<int>(random() % 400);
    std::vector<TestEvent> events;
    for (int e = 0; e < count; ++e) {
      char item[8];
      std::snprintf(item, sizeof item, "i%03d", static_cast<int>(random() % items));
      const auto type = static_cast<EventType>(random() % kEventTypeCount);
      // Coarse times so that ties are frequent; ids unique.
      const TimestampUs at = static_cast<TimestampUs>(random() % 60) * kMinute;
      events.push_back({item, "s:" + std::to_string(random() % sessions), type, at, e + 1});
    }
    // Arrival order: mostly by time, with some events late.
    std::stable_sort(events.begin(), events.end(),
                     [](const TestEvent& x, const TestEvent& y) { return x.at < y.at; });
    for (int swaps = 0; swaps < count / 10; ++swaps) {
      std::swap(events[random() % count], events[random() % count]);
    }
    SCOPED_TRACE("round " + std::to_string(round));
    ExpectSameAsDaySignals(events);
  }
}

TEST(LiveDayTest, ReportsTheItemsWhoseListsChangedAndCountsItsMemory) {
  LiveFold live;
  live.Add({"A", "s:x", EventType::kView, 0, 1});
  EXPECT_TRUE(live.touched().empty());
  const size_t before = live.day().MemoryBytes();
  live.Add({"B", "s:x", EventType::kView, kMinute, 2});
  std::vector<uint32_t> touched = live.touched();
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  EXPECT_EQ(touched, (std::vector<uint32_t>{0, 1}));
  EXPECT_GT(live.day().MemoryBytes(), before);
  EXPECT_EQ(live.day().events(), 2);
}

}  // namespace
}  // namespace recsys
