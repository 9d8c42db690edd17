// ranking.md "Repeat and explore", measured on the synthetic shops (testing/shop_generator.h):
// staples come back, bundles and funnels are new to the user. Over several seeds, the two-part
// ranking must find more of both than the blend that gives the same share of slots to the user's
// own items. The figures are printed for docs/evaluation.md.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdio>

#include "core/event.h"
#include "core/tenant_config.h"
#include "core/time.h"
#include "eval/offline_replay.h"
#include "testing/shop_generator.h"

namespace recsys::eval {
namespace {

constexpr int32_t kToday = 20400;
constexpr int64_t kDayUs = 86400LL * 1000000;

// The shop's training events, then its held-back purchases as one session per user on the first
// held-back day: what `eval offline` reads from a tenant's tables.
EventLog ShopLog(const testing::ShopData& shop, int32_t split_day) {
  EventLog log;
  int64_t id = 0;
  for (const std::string& line : shop.events) {
    rapidjson::Document e;
    e.Parse(line.c_str());
    const auto at = ParseRfc3339(e["occurred_at"].GetString());
    const auto type = ParseEventType(e["event_type"].GetString());
    if (!at || !type) continue;
    log.AddEvent("default", e["user_id"].GetString(),
                 e.HasMember("session_id") ? e["session_id"].GetString() : "",
                 e["item_id"].GetString(), *type, *at, ++id);
  }
  for (const auto& [user, bought] : shop.heldout_purchases) {
    for (const std::string& item : bought) {
      log.AddEvent("default", user, "heldout-" + user, item, EventType::kPurchase,
                   split_day * kDayUs + 3600LL * 1000000, ++id);
    }
  }
  log.Seal();
  return log;
}

ReplayConfig Config(const std::string& name, const std::string& json) {
  auto config = ParseTenantConfig(json);
  EXPECT_TRUE(config.ok()) << json;
  return {name, json, config.value()};
}

TEST(TwoPartQualityTest, TwoPartsBeatTheBlendOnRecallAndOnNewItemsForEverySeed) {
  // The same weights, blended or in two parts; the spec's personal blend and other slot counts
  // are printed beside them.
  const std::string weights = R"("weights": {"pop": 0.05, "cooc": 1, "seq": 0.5, "hist": 1})";
  const std::vector<ReplayConfig> configs = {
      Config("blend", "{" + weights + "}"),
      Config("parts-3", "{" + weights + R"(, "ranking": {"repeat_slots": 3}})"),
      Config("personal", R"({"weights": {"pop": 0.05, "cooc": 0.5, "hist": 1}})"),
      Config("parts-2", "{" + weights + R"(, "ranking": {"repeat_slots": 2}})"),
      Config("parts-5", "{" + weights + R"(, "ranking": {"repeat_slots": 5}})"),
      Config("auto", "{" + weights + R"(, "ranking": {"repeat_slots": "auto"}})"),
  };

  for (uint64_t seed = 1; seed <= 3; ++seed) {
    testing::ShopOptions shop_options;
    shop_options.seed = seed;
    shop_options.now = kToday * kDayUs + 12 * 3600LL * 1000000;  // held back: kToday - 1, kToday
    const int32_t split_day = kToday - 1;
    const EventLog log = ShopLog(testing::GenerateShop(shop_options), split_day);
    OfflineOptions options;
    options.split_day = split_day;
    options.k = 10;
    options.resamples = 200;
    options.returning_only = true;
    auto report = ReplayOffline(log, configs, options);
    ASSERT_TRUE(report.ok()) << report.status().message();
    const ConfigResult& blend = report.value().configs[0];
    const ConfigResult& parts = report.value().configs[1];
    auto line = [](const ConfigResult& c) {
      const Estimate& recall = c.all[static_cast<size_t>(Metric::kRecall)];
      std::printf("  %-8s recall@10 %.3f [%.3f, %.3f]  explore %.3f [%.3f, %.3f]\n", c.name.c_str(),
                  recall.value, recall.interval.low, recall.interval.high, c.explore_recall.value,
                  c.explore_recall.interval.low, c.explore_recall.interval.high);
    };
    std::printf("seed %d (%lld users)\n", static_cast<int>(seed),
                static_cast<long long>(report.value().users));
    for (const ConfigResult& c : report.value().configs) line(c);
    EXPECT_GT(parts.all[static_cast<size_t>(Metric::kRecall)].value,
              blend.all[static_cast<size_t>(Metric::kRecall)].value)
        << "seed " << seed;
    EXPECT_GT(parts.explore_recall.value, blend.explore_recall.value) << "seed " << seed;
  }
}

}  // namespace
}  // namespace recsys::eval
