#include "eval/offline_replay.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "eval/offline_report.h"

namespace recsys::eval {
namespace {

constexpr int64_t kDayUs = 86400LL * 1000000;
constexpr int32_t kSplitDay = 20400;

ReplayConfig Config(const std::string& name, const std::string& json) {
  auto config = ParseTenantConfig(json);
  EXPECT_TRUE(config.ok()) << config.status().message();
  return {name, json, config.value()};
}

// Ten days before the split: everybody views the "hit" items; 60 users each view a "lead" item
// and, in the same session, its "follow" item. After the split each of those users' first
// session buys the follow item of the lead they viewed: history plus co-visitation finds it,
// popularity does not. A "late" item exists only after the split.
EventLog PlantedLog() {
  EventLog log;
  int64_t id = 0;
  for (int day = 1; day <= 10; ++day) {
    const TimestampUs t = (kSplitDay - day) * kDayUs + 3600LL * 1000000;
    for (int u = 0; u < 200; ++u) {
      const std::string user = std::string("u").append(std::to_string(u));
      log.AddEvent("home", user, "", std::string("hit").append(std::to_string(u % 5)),
                   EventType::kView, t + u, ++id);
    }
  }
  for (int u = 0; u < 60; ++u) {
    const std::string user = std::string("u").append(std::to_string(u)),
                      pair = std::to_string(u % 12);
    const TimestampUs t = (kSplitDay - 3) * kDayUs + u * 1000000LL;
    log.AddEvent("home", user, "s" + user, "lead" + pair, EventType::kView, t, ++id);
    log.AddEvent("home", user, "s" + user, "follow" + pair, EventType::kView, t + 1000, ++id);
    // A user who only saw the lead: their truth is the follow item, new to them.
    const std::string other = std::string("v").append(std::to_string(u));
    log.AddEvent("home", other, "", "lead" + pair, EventType::kView, t + 2000, ++id);
    log.AddEvent("home", other, "later" + other, "follow" + pair, EventType::kPurchase,
                 kSplitDay * kDayUs + u * 1000000LL, ++id);
    log.AddEvent("home", other, "later" + other, "late", EventType::kView,
                 kSplitDay * kDayUs + u * 1000000LL + 10, ++id);
    // A second session after the split is not part of the truth.
    log.AddEvent("home", other, "second" + other, "hit0", EventType::kView,
                 (kSplitDay + 1) * kDayUs, ++id);
  }
  log.AddTag("home", "hit0", "category:a");
  log.Seal();
  return log;
}

OfflineOptions Options() {
  OfflineOptions options;
  options.split_day = kSplitDay;
  options.k = 5;
  options.resamples = 200;
  options.threads = 2;
  return options;
}

TEST(OfflineReplayTest, HistoryAndCoVisitationBeatPopularityOnPlantedData) {
  const EventLog log = PlantedLog();
  const std::vector<ReplayConfig> configs = {
      Config("popularity", R"({"weights": {"pop": 1}})"),
      Config("blend", R"({"weights": {"pop": 0.1, "cooc": 1, "hist": 1}})")};
  auto report = ReplayOffline(log, configs, Options());
  ASSERT_TRUE(report.ok()) << report.status().message();
  const OfflineReport& r = report.value();
  EXPECT_EQ(r.surface, "home");
  EXPECT_EQ(r.users, 60);  // the v users: u users did nothing after the split
  EXPECT_EQ(r.users_with_new_items, 60);
  EXPECT_DOUBLE_EQ(r.mean_truth_items, 2);  // follow + late, not the second session's hit0
  // Items known before the split only: 5 hits, 12 leads, 12 follows; "late" is not.
  EXPECT_EQ(r.catalog_items, 29);
  ASSERT_EQ(r.configs.size(), 2u);
  const ConfigResult& pop = r.configs[0];
  const ConfigResult& blend = r.configs[1];
  EXPECT_EQ(pop.all[kRecall].value, 0);
  EXPECT_DOUBLE_EQ(blend.all[kRecall].value, 0.5);  // the follow item, never "late"
  EXPECT_DOUBLE_EQ(blend.all[kHitRate].value, 1);
  EXPECT_GT(blend.versus_first[kNdcg].difference, 0);
  EXPECT_LT(blend.versus_first[kNdcg].p_value, 0.001);
  EXPECT_GT(blend.versus_first[kNdcg].interval.low, 0);
  EXPECT_GT(blend.all[kNovelty].value, pop.all[kNovelty].value);
  ASSERT_EQ(blend.recall_curve.size(), 50u);
  EXPECT_DOUBLE_EQ(blend.recall_curve.back(), 0.5);
  EXPECT_LE(blend.all[kRecall].interval.low, blend.all[kRecall].value);
}

// The v users' truth is all new to them (the follow item and "late"): popularity's top k holds
// nothing of theirs, the blend's holds the follow item (explore) and their own lead (repeat ratio).
TEST(OfflineReplayTest, RepeatAndExploreArePartsOfOneTopK) {
  const std::vector<ReplayConfig> configs = {
      Config("popularity", R"({"weights": {"pop": 1}})"),
      Config("blend", R"({"weights": {"pop": 0.1, "cooc": 1, "hist": 1}})")};
  auto report = ReplayOffline(PlantedLog(), configs, Options());
  ASSERT_TRUE(report.ok()) << report.status().message();
  const ConfigResult& pop = report.value().configs[0];
  const ConfigResult& blend = report.value().configs[1];
  EXPECT_EQ(pop.repeat_ratio.value, 0);
  EXPECT_EQ(pop.explore_recall.value, 0);
  EXPECT_DOUBLE_EQ(blend.explore_recall.value, 0.5);
  EXPECT_NEAR(blend.repeat_ratio.value, 0.2, 1e-9);  // the lead, one of 5
  EXPECT_EQ(blend.repeat_recall.value, 0);           // nobody's truth repeats an earlier item
  EXPECT_LE(blend.repeat_ratio.interval.low, blend.repeat_ratio.value);
  const std::string json = OfflineReportJson(report.value());
  EXPECT_NE(json.find("\"parts\":{\"repeat_recall\""), std::string::npos);
  const ReportDocument doc = OfflineReportDocument(report.value(), "shop");
  EXPECT_TRUE(std::any_of(doc.charts.begin(), doc.charts.end(),
                          [](const auto& chart) { return chart.first == "frontier.svg"; }));
}

TEST(OfflineReplayTest, TheSameInputGivesTheSameReport) {
  const EventLog log = PlantedLog();
  const std::vector<ReplayConfig> configs = {
      Config("popularity", R"({"weights": {"pop": 1}})"),
      Config("blend", R"({"weights": {"pop": 0.1, "cooc": 1, "hist": 1}})")};
  auto a = ReplayOffline(log, configs, Options());
  auto b = ReplayOffline(log, configs, Options());
  ASSERT_TRUE(a.ok() && b.ok());
  OfflineReport ra = a.value(), rb = b.value();
  for (auto* r : {&ra, &rb}) {
    for (ConfigResult& c : r->configs) c.seconds = 0;
  }
  EXPECT_EQ(OfflineReportJson(ra), OfflineReportJson(rb));
}

TEST(OfflineReplayTest, ASampleOfUsersIsTaken) {
  OfflineOptions options = Options();
  options.max_users = 10;
  const std::vector<ReplayConfig> configs = {Config("popularity", R"({})")};
  auto report = ReplayOffline(PlantedLog(), configs, options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report.value().users, 10);
}

TEST(OfflineReplayTest, RefusesWhatCannotBeEvaluated) {
  const std::vector<ReplayConfig> configs = {Config("popularity", R"({})")};
  OfflineOptions options = Options();
  options.split_day = kSplitDay + 5;  // nobody comes back after this
  EXPECT_EQ(ReplayOffline(PlantedLog(), configs, options).status().code(),
            StatusCode::kFailedPrecondition);
  options = Options();
  options.surface = "nowhere";
  EXPECT_EQ(ReplayOffline(PlantedLog(), configs, options).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReplayOffline(PlantedLog(), {}, Options()).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace recsys::eval
