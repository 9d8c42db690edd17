#include "core/live_signals.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/day_signals.h"
#include "core/ranker.h"
#include "core/signal_view.h"

namespace recsys {
namespace {

constexpr int32_t kToday = 20400;
constexpr TimestampUs kDayUs = 86400LL * 1000000;
constexpr TimestampUs kMinute = 60000000;
constexpr double kHalfLife = 7;

LiveParams Params() {
  LiveParams params;
  params.event_weights = {0, 1, 2, 3, 5};
  params.half_life_days = kHalfLife;
  return params;
}

struct TestEvent {
  std::string item, session;
  EventType type;
  TimestampUs at;
  int64_t id;
};

// A shop's events over `days` days ending today: items "p000".. (the catalog, tagged) and
// "new00".. (only today, in no catalog), sessions of a few items each.
std::vector<TestEvent> Shop(uint32_t seed, int days, int events_per_day) {
  std::mt19937 random(seed);
  std::vector<TestEvent> events;
  int64_t id = 0;
  for (int d = days - 1; d >= 0; --d) {
    const TimestampUs start = (kToday - d) * kDayUs;
    for (int e = 0; e < events_per_day;) {
      const std::string session = "s:" + std::to_string(random() % 1000000);
      const int length = 1 + static_cast<int>(random() % 6);
      TimestampUs at = start + static_cast<TimestampUs>(random() % 1000) * kMinute;
      for (int s = 0; s < length && e < events_per_day; ++s, ++e) {
        char item[16];
        if (d == 0 && random() % 5 == 0) {
          std::snprintf(item, sizeof item, "new%02d", static_cast<int>(random() % 20));
        } else {
          // Skewed: low numbers are popular.
          const int n = static_cast<int>(std::pow(random() % 10000 / 10000.0, 2) * 150);
          std::snprintf(item, sizeof item, "p%03d", n);
        }
        events.push_back(
            {item, session, static_cast<EventType>(random() % kEventTypeCount), at, ++id});
        at += static_cast<TimestampUs>(random() % 5) * kMinute;
      }
    }
  }
  return events;
}

void AddTags(SnapshotBuilder& builder) {
  for (int n = 0; n < 150; ++n) {
    char item[16];
    std::snprintf(item, sizeof item, "p%03d", n);
    builder.AddTags(item,
                    {n % 3 == 0 ? "brand:a" : "brand:b", n % 4 == 0 ? "category:x" : "category:y"});
  }
}

// Adds each day's rows, as the builder writes them, for days in [first, last].
void AddDays(SnapshotBuilder& builder, const std::vector<TestEvent>& events, int32_t first,
             int32_t last) {
  for (int32_t day = first; day <= last; ++day) {
    DaySignals signals(Params().event_weights.data());
    for (const TestEvent& e : events) {
      if (DayOf(e.at) == day) signals.Add("default", e.item, e.session, e.type, e.at, e.id);
    }
    std::vector<DaySignals::ItemScore> popularity;
    std::vector<DaySignals::PairScore> covisit, sequence;
    signals.Finish(&popularity, &covisit, &sequence);
    for (const auto& r : popularity) builder.AddPopularity(r.item, day, r.score);
    for (const auto& r : covisit) builder.AddCovisit(r.item, r.neighbour, r.score);
    for (const auto& r : sequence) builder.AddSequence(r.item, r.neighbour, r.score);
  }
}

struct Ranked {
  std::vector<std::string> ids;
  std::vector<double> scores;
};

Ranked Rank(const RecommendRequest& request, const SignalSnapshot& snapshot,
            const LiveSignals* live, const TenantConfig& config, TimestampUs now) {
  RankScratch scratch;
  std::optional<LiveSignals::View> view;
  if (live) view.emplace(live->Read());
  RankInput input{request, snapshot, config, {}, now};
  input.live = view ? &*view : nullptr;
  RankResult result = Recommend(input, scratch);
  const SignalView signals(snapshot, input.live);
  Ranked out;
  for (const RankedItem& item : result.items) {
    out.ids.emplace_back(signals.item_id(item.item));
    out.scores.push_back(item.score);
  }
  return out;
}

class TwoLayersTest : public ::testing::Test {
 protected:
  void Build(uint32_t seed) {
    events_ = Shop(seed, 10, 400);
    SnapshotBuilder whole(kToday, kHalfLife);
    AddTags(whole);
    AddDays(whole, events_, kToday - 9, kToday);
    one_layer_ = whole.Build();
    SnapshotBuilder closed(kToday, kHalfLife);
    closed.SetThroughDay(kToday - 1);
    AddTags(closed);
    AddDays(closed, events_, kToday - 9, kToday - 1);
    live_ = std::make_unique<LiveSignals>(Params(), closed.Build());
    // Today's events arrive in small batches, a few of them late.
    std::vector<LiveEvent> today;
    for (const TestEvent& e : events_) {
      if (DayOf(e.at) == kToday) today.push_back({e.item, e.session, e.type, e.at, e.id});
    }
    std::mt19937 random(seed);
    for (size_t swaps = 0; swaps < today.size() / 20; ++swaps) {
      std::swap(today[random() % today.size()], today[random() % today.size()]);
    }
    for (size_t at = 0; at < today.size(); at += 37) {
      const size_t n = std::min<size_t>(37, today.size() - at);
      EXPECT_EQ(live_->Apply({today.data() + at, n}), n);
    }
    config_.weights = {1, 1, 0.5, 0, 1};  // pop, cooc, emb, hist, seq
  }

  void ExpectSame(const RecommendRequest& request, TimestampUs now) {
    const Ranked one = Rank(request, *one_layer_, nullptr, config_, now);
    const Ranked two = Rank(request, *live_->base(), live_.get(), config_, now);
    ASSERT_EQ(one.ids, two.ids);
    for (size_t i = 0; i < one.scores.size(); ++i) {
      EXPECT_NEAR(one.scores[i], two.scores[i], 1e-6) << one.ids[i];
    }
  }

  std::vector<TestEvent> events_;
  std::shared_ptr<const SignalSnapshot> one_layer_;
  std::unique_ptr<LiveSignals> live_;
  TenantConfig config_;
  const TimestampUs now_ = kToday * kDayUs + 23 * 3600 * 1000000LL;
};

TEST_F(TwoLayersTest, RanksExactlyAsOneSnapshotOfTheSameRows) {
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Build(seed);
    RecommendRequest request;
    request.surface = "default";
    for (int k : {5, 20, 100}) {
      request.k = k;
      ExpectSame(request, now_);
    }
    for (const char* anchor : {"p000", "p003", "p017", "new03", "new11"}) {
      request.anchor_ids = {anchor, "p001"};
      request.k = 30;
      ExpectSame(request, now_);
    }
    request.anchor_ids = {"p002"};
    request.required_tags = {"category:x"};
    ExpectSame(request, now_);
    request.required_tags.clear();
    request.exclude_ids = {"p000", "new01", "p005"};
    ExpectSame(request, now_);
    // Another day than the layer's: popularity decays to that day in both.
    request.anchor_ids.clear();
    ExpectSame(request, now_ - 3 * kDayUs);
  }
}

TEST_F(TwoLayersTest, AnItemOnlyTodayKnowsIsServedWithItsSignals) {
  Build(3);
  const SignalView view(*live_->base(), nullptr);
  EXPECT_FALSE(view.Find("new05").has_value());
  const auto read = live_->Read();
  const SignalView both(*live_->base(), &read);
  auto item = both.Find("new05");
  ASSERT_TRUE(item.has_value());
  EXPECT_GE(*item, live_->base()->item_count());
  EXPECT_EQ(both.item_id(*item), "new05");
  EXPECT_TRUE(both.tags(*item).empty());
  EXPECT_GT(both.popularity(*item), 0);
}

TEST_F(TwoLayersTest, EventsOfClosedDaysAreLeftToTheBase) {
  Build(1);
  const uint64_t folded = live_->folded();
  const LiveEvent late{"p001", "s:late", EventType::kPurchase, (kToday - 2) * kDayUs, 999999};
  EXPECT_EQ(live_->Apply({&late, 1}), 0u);
  EXPECT_EQ(live_->closed(), 1u);
  EXPECT_EQ(live_->folded(), folded);
}

TEST_F(TwoLayersTest, ANewBaseForTomorrowDropsTheDayItHolds) {
  Build(2);
  // Midnight: an event of tomorrow opens a second live day; popularity then decays both.
  const LiveEvent tomorrow{"new07", "s:t", EventType::kPurchase, (kToday + 1) * kDayUs, 999999};
  EXPECT_EQ(live_->Apply({&tomorrow, 1}), 1u);
  EXPECT_EQ(live_->days(), (std::vector<int32_t>{kToday, kToday + 1}));
  std::vector<TestEvent> all = events_;
  all.push_back({"new07", "s:t", EventType::kPurchase, (kToday + 1) * kDayUs, 999999});
  RecommendRequest request;
  request.surface = "default";
  request.k = 40;
  {
    // Before the builder's new base: yesterday and today live, over the old base, decayed to
    // tomorrow. The same as one snapshot for tomorrow: no gap, no double count.
    SnapshotBuilder whole(kToday + 1, kHalfLife);
    AddTags(whole);
    AddDays(whole, all, kToday - 9, kToday + 1);
    one_layer_ = whole.Build();
    ExpectSame(request, now_ + kDayUs);
  }
  // The builder's base for tomorrow holds today as a closed day: the live layer keeps tomorrow.
  SnapshotBuilder next(kToday + 1, kHalfLife);
  next.SetThroughDay(kToday);
  AddTags(next);
  AddDays(next, events_, kToday - 8, kToday);
  live_->SetBase(next.Build());
  EXPECT_EQ(live_->days(), (std::vector<int32_t>{kToday + 1}));
  SnapshotBuilder whole(kToday + 1, kHalfLife);
  AddTags(whole);
  AddDays(whole, all, kToday - 8, kToday + 1);
  one_layer_ = whole.Build();
  ExpectSame(request, now_ + kDayUs);
  request.anchor_ids = {"new07"};
  ExpectSame(request, now_ + kDayUs);
}

TEST(LiveSignalsTest, RefusesEventsOverItsMemoryCap) {
  constexpr size_t kCap = 64 * 1024;
  SnapshotBuilder empty(kToday, kHalfLife);
  empty.SetThroughDay(kToday - 1);
  LiveSignals live(Params(), empty.Build());
  std::vector<std::string> ids;
  for (int i = 0; i < 5000; ++i) ids.push_back("item-with-a-long-identifier-" + std::to_string(i));
  std::vector<LiveEvent> events;
  for (int i = 0; i < 5000; ++i) {
    events.push_back({ids[i], ids[i], EventType::kView, kToday * kDayUs + i, i + 1});
  }
  const size_t folded = live.Apply(events, kCap);
  EXPECT_LT(folded, 5000u);
  EXPECT_EQ(live.refused(), 5000u - folded);
  EXPECT_GT(folded, 100u);
  EXPECT_LE(live.MemoryBytes(), kCap);
}

}  // namespace
}  // namespace recsys
