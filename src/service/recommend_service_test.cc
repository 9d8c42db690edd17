// The serving use case in memory: a hand-built state, a fake exposure sink, no HTTP, no database.
#include "service/recommend_service.h"

#include <gtest/gtest.h>

#include <mutex>
#include <regex>

#include "service/experiments.h"

namespace recsys::service {
namespace {

// Keeps what Record() was given (copying the views, as a real sink must).
class FakeSink : public ExposureSink {
 public:
  struct Row {
    Exposure exposure;
    std::string response, meta;
  };
  void Record(const Exposure& e) override {
    std::lock_guard<std::mutex> lock(mu_);
    rows_.push_back({e, std::string(e.response_json), std::string(e.meta_json)});
    rows_.back().exposure.response_json = {};
    rows_.back().exposure.meta_json = {};
  }
  std::vector<Row> rows() {
    std::lock_guard<std::mutex> lock(mu_);
    return rows_;
  }

 private:
  std::mutex mu_;
  std::vector<Row> rows_;
};

TenantConfig Config(const char* json) {
  auto config = ParseTenantConfig(json);
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  return config.ok() ? config.value() : TenantConfig{};
}

// Tenant "shop": items a (most popular), b, c, d, z (least), brand tags.
std::shared_ptr<TenantState> Shop(TenantConfig config = {}) {
  auto tenant = std::make_shared<TenantState>();
  tenant->id = "00000000-0000-4000-8000-000000000001";
  tenant->external_id = "shop";
  tenant->config = std::move(config);
  tenant->config_etag = "c1";
  SnapshotBuilder builder(DayOf(NowUs()), 30);
  const char* ids[] = {"a", "b", "c", "d", "z"};
  for (int i = 0; i < 5; ++i) {
    builder.AddPopularity(ids[i], DayOf(NowUs()), 50 - 10 * i);
    builder.AddTags(ids[i], {i % 2 ? "brand:x" : "brand:y"});
  }
  tenant->snapshots["default"] = builder.Build();
  return tenant;
}

class RecommendServiceTest : public ::testing::Test {
 protected:
  void Publish(std::shared_ptr<TenantState> tenant) {
    auto state = std::make_shared<ServingState>();
    state->signals_loaded = true;
    state->tenants[tenant->external_id] = std::move(tenant);
    holder_.Publish(std::move(state));
  }
  static std::vector<std::string> Ids(const Served& served) {
    std::vector<std::string> out;
    for (const RankedItem& item : served.result.items) {
      out.emplace_back(served.snapshot->item_id(item.item));
    }
    return out;
  }

  StateHolder holder_;
  FakeSink sink_;
  RecommendService service_{holder_, &sink_, {"user-key-secret", "salt", 0}};
};

constexpr const char* kHome = R"({"surface": "home", "k": 3, "user": {"user_id": "u1"}})";

TEST_F(RecommendServiceTest, RanksByPopularityAndRecordsOneExposureWithoutTheUserId) {
  Publish(Shop());
  auto served = service_.Handle(Endpoint::kRecommend, "shop", kHome);
  ASSERT_TRUE(served.ok()) << served.status().ToString();
  EXPECT_EQ(Ids(served.value()), (std::vector<std::string>{"a", "b", "c"}));
  service_.RecordExposure(served.value(), "req-1", R"({"m": 1})");
  const auto rows = sink_.rows();
  ASSERT_EQ(rows.size(), 1u);
  const Exposure& e = rows[0].exposure;
  EXPECT_EQ(e.tenant_id, "00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(e.request_id, "req-1");
  EXPECT_EQ(e.config_etag, "c1");
  EXPECT_EQ(e.user_key, service_.UserKey("u1"));
  EXPECT_NE(e.user_key, "u1");
  EXPECT_EQ(e.request_json.find("u1"), std::string::npos);  // ids leave only as the keyed hash
  EXPECT_EQ(rows[0].response.rfind(R"({"items":["a","b","c"],"scores":[)", 0), 0u);
  EXPECT_FALSE(std::regex_search(rows[0].response, std::regex(R"(\.[0-9]{7})")))
      << rows[0].response;  // scores with at most kExposureScoreDecimals decimals
  EXPECT_TRUE(std::regex_search(rows[0].response, std::regex(R"(0\.[0-9]{6}[,\]])")))
      << rows[0].response;
  EXPECT_EQ(rows[0].meta, R"({"m": 1})");
}

TEST_F(RecommendServiceTest, UnknownAndSuspendedTenantsAreOneRefusal) {
  auto suspended = Shop();
  suspended->status = TenantStatus::kSuspended;
  Publish(suspended);
  for (const char* tenant : {"shop", "nobody"}) {
    auto served = service_.Handle(Endpoint::kRecommend, tenant, kHome);
    EXPECT_EQ(served.status().code(), StatusCode::kPermissionDenied) << tenant;
    EXPECT_EQ(served.status().message(), kTenantNotServable);
  }
}

TEST_F(RecommendServiceTest, BodyErrorsKeepTheirKind) {
  Publish(Shop());
  EXPECT_EQ(service_.Handle(Endpoint::kRecommend, "shop", "{").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(service_.Handle(Endpoint::kRecommend, "shop", R"({"surface": "home", "k": 3})")
                .status()
                .code(),
            StatusCode::kUnprocessable);  // no user
  EXPECT_EQ(service_.Handle(Endpoint::kSimilar, "shop", kHome).status().code(),
            StatusCode::kUnprocessable);  // no item_id
}

TEST_F(RecommendServiceTest, ValidateParsesButNeitherRanksNorRecords) {
  Publish(Shop());
  auto served = service_.Handle(Endpoint::kValidate, "shop", kHome);
  ASSERT_TRUE(served.ok());
  EXPECT_EQ(served.value().request.k, 3);
  EXPECT_TRUE(served.value().result.items.empty());
  EXPECT_EQ(served.value().snapshot, nullptr);
  EXPECT_TRUE(sink_.rows().empty());
}

TEST_F(RecommendServiceTest, TheTenantsRateLimitRefusesWithARetryDelay) {
  Publish(Shop(Config(R"({"limits": {"rate_limit_rps": 0.5, "rate_limit_burst": 2}})")));
  EXPECT_TRUE(service_.Handle(Endpoint::kRecommend, "shop", kHome).ok());
  EXPECT_TRUE(service_.Handle(Endpoint::kRecommend, "shop", kHome).ok());
  auto refused = service_.Handle(Endpoint::kRecommend, "shop", kHome);
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_GE(refused.status().retry_after_s(), 1);
}

TEST_F(RecommendServiceTest, AnExperimentAssignsAVariantAndRanksWithItsConfig) {
  Publish(Shop(Config(R"({"experiments": [{"id": "e1", "surface": "home", "variants": [
      {"name": "only", "weight": 100, "config": {"weights": {"pop": 0, "emb": 1}}}]}]})")));
  auto served = service_.Handle(Endpoint::kRecommend, "shop", kHome);
  ASSERT_TRUE(served.ok());
  EXPECT_EQ(served.value().request.experiment_id, "e1");
  EXPECT_EQ(served.value().request.experiment_variant, "only");
  ASSERT_TRUE(served.value().variant_config.has_value());
  EXPECT_EQ(served.value().variant_config->weights.pop, 0);
}

TEST_F(RecommendServiceTest, AnInterleavingExperimentMergesBothVariantsAndRecordsTheTeams) {
  Publish(Shop(Config(R"({"experiments": [{"id": "tdi", "mode": "interleave", "variants": [
      {"name": "control", "weight": 1},
      {"name": "capped", "weight": 1, "config": {"ranking": {"brand_cap": 1}}}]}]})")));
  // control ranks a b c d; capped (one item per brand) only a b.
  for (int seed = 0; seed < 20; ++seed) {
    auto served = service_.Handle(
        Endpoint::kRecommend, "shop",
        R"({"surface": "home", "k": 4, "user": {"user_id": "u1"}, "options": {"seed": )" +
            std::to_string(seed) + "}}");
    ASSERT_TRUE(served.ok()) << served.status().ToString();
    const Served& s = served.value();
    EXPECT_EQ(s.request.experiment_id, "tdi");
    EXPECT_EQ(s.request.experiment_variant, kInterleavedVariant);
    EXPECT_EQ(Ids(s), (std::vector<std::string>{"a", "b", "c", "d"}));
    ASSERT_EQ(s.teams.size(), 4u);
    EXPECT_NE(s.teams[0], s.teams[1]);  // the first round: one pick each
    EXPECT_EQ(s.teams[2], 0);           // capped has nothing left
    EXPECT_EQ(s.team_names[1], "capped");
  }
  auto served = service_.Handle(
      Endpoint::kRecommend, "shop",
      R"({"surface": "home", "k": 4, "user": {"user_id": "u2"}, "options": {"seed": 1}})");
  ASSERT_TRUE(served.ok());
  service_.RecordExposure(served.value(), "req-1", "{}");
  const std::string response = sink_.rows().back().response;
  EXPECT_TRUE(std::regex_search(response, std::regex(R"re("teams":\["(control|capped)",")re")))
      << response;
  EXPECT_EQ(sink_.rows().back().exposure.experiment_variant, kInterleavedVariant);
}

TEST_F(RecommendServiceTest, ExplorationShowsItemsFromBelowTheCutWithTheirPropensities) {
  Publish(Shop(Config(R"({"ranking": {"exploration": {"epsilon": 0.5, "pool": 2}}})")));
  int below_the_cut = 0;
  for (int seed = 0; seed < 40; ++seed) {
    auto served = service_.Handle(
        Endpoint::kRecommend, "shop",
        R"({"surface": "home", "k": 3, "user": {"user_id": "u1"}, "options": {"seed": )" +
            std::to_string(seed) + "}}");
    ASSERT_TRUE(served.ok()) << served.status().ToString();
    const Served& s = served.value();
    ASSERT_EQ(s.result.items.size(), 3u);
    ASSERT_EQ(s.propensities.size(), 3u);
    const std::vector<std::string> ids = Ids(s);
    for (size_t slot = 0; slot < 3; ++slot) {
      // Five candidates (a b c d z: three ranked, two below the cut), fewer each slot.
      const double available = 5.0 - static_cast<double>(slot);
      const bool explored = (s.result.items[slot].reasons & kReasonExploration) != 0;
      EXPECT_FLOAT_EQ(s.propensities[slot],
                      static_cast<float>((explored ? 0 : 0.5) + 0.5 / available));
      below_the_cut += ids[slot] == "d" || ids[slot] == "z";
    }
    if (seed == 0) {
      service_.RecordExposure(s, "req-1", "{}");
      EXPECT_NE(sink_.rows().back().response.find(R"("propensities":[)"), std::string::npos);
    }
  }
  EXPECT_GT(below_the_cut, 5);
}

TEST_F(RecommendServiceTest, ASurfaceWithoutItsOwnSignalsFallsBackAndSaysSo) {
  Publish(Shop());
  auto served = service_.Handle(Endpoint::kRecommend, "shop", kHome);
  ASSERT_TRUE(served.ok());
  ASSERT_FALSE(served.value().warnings.empty());
  bool fell_back = false;
  for (const Warning& w : served.value().warnings) fell_back |= w.code == "FALLBACK_NAMESPACE";
  EXPECT_TRUE(fell_back);

  auto empty = Shop();
  empty->snapshots.clear();
  Publish(empty);
  served = service_.Handle(Endpoint::kRecommend, "shop", kHome);
  ASSERT_TRUE(served.ok());
  EXPECT_TRUE(served.value().result.items.empty());
  EXPECT_EQ(served.value().warnings.back().code, "SIGNAL_UNAVAILABLE");
}

TEST_F(RecommendServiceTest, ADryRunShowsWhatADraftRuleChangesAndSavesNothing) {
  Publish(Shop());
  auto run = service_.DryRunRules(
      "shop", R"([{"action": "pin", "target_type": "item", "item_ids": ["z"]}])", kHome);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run.value().before, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_FALSE(run.value().after.empty());
  EXPECT_EQ(run.value().after[0], "z");
  EXPECT_EQ(run.value().entered, std::vector<std::string>{"z"});
  ASSERT_EQ(run.value().rules.size(), 1u);
  EXPECT_TRUE(run.value().rules[0].applicable);
  EXPECT_TRUE(sink_.rows().empty());

  auto bad = service_.DryRunRules("shop", R"([{"action": "explode"}])", kHome);
  EXPECT_EQ(bad.status().code(), StatusCode::kUnprocessable);
  ASSERT_NE(bad.status().reason(), nullptr);
  EXPECT_STREQ(bad.status().reason(), "RECSYS_INVALID_RULES");
}

TEST_F(RecommendServiceTest, DryRunsTakeNothingFromTheTenantsRateLimit) {
  Publish(Shop(Config(R"({"limits": {"rate_limit_rps": 0.01, "rate_limit_burst": 1}})")));
  const char* pin = R"([{"action": "pin", "target_type": "item", "item_ids": ["z"]}])";
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(service_.DryRunRules("shop", pin, kHome).ok()) << i;
  }
  // The burst of one is still there for serving, and only then spent.
  EXPECT_TRUE(service_.Handle(Endpoint::kRecommend, "shop", kHome).ok());
  EXPECT_EQ(service_.Handle(Endpoint::kRecommend, "shop", kHome).status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_TRUE(service_.DryRunRules("shop", pin, kHome).ok());  // nor refused by it
}

}  // namespace
}  // namespace recsys::service

namespace recsys::service {
namespace {

// With live layers: today's events rank on top of the snapshot, live-only items are served by
// their ids, and an unavailable item stays unserved however many events it gets.
class LiveRecommendTest : public ::testing::Test {
 protected:
  LiveRecommendTest() {
    auto tenant = std::make_shared<TenantState>();
    tenant->id = "00000000-0000-4000-8000-000000000001";
    tenant->external_id = "shop";
    const int32_t today = DayOf(NowUs());
    SnapshotBuilder builder(today, 30);
    builder.SetThroughDay(today - 1);
    for (const char* id : {"a", "b", "c"}) builder.AddPopularity(id, today - 1, 10);
    auto base = builder.Build();
    tenant->unavailable[base.get()] = std::vector<bool>(base->item_count(), false);
    tenant->unavailable[base.get()][*base->Find("c")] = true;
    tenant->snapshots["default"] = base;
    auto state = std::make_shared<ServingState>();
    state->signals_loaded = true;
    state->tenants["shop"] = tenant;
    holder_.Publish(state);
    tenant_ = tenant;
  }

  void Buy(const char* item, int times) {
    std::vector<LiveEvent> events;
    for (int i = 0; i < times; ++i) {
      events.push_back({item, "s:x", EventType::kPurchase, NowUs(), ++id_});
    }
    live_.Apply(*tenant_, "default", events, NowUs());
  }

  std::vector<std::string> Ids(const char* body) {
    auto served = service_.Handle(Endpoint::kRecommend, "shop", body);
    EXPECT_TRUE(served.ok());
    std::vector<std::string> out;
    if (!served.ok()) return out;
    for (const RankedItem& item : served.value().result.items) {
      out.emplace_back(served.value().item_id(item.item));
    }
    return out;
  }

  StateHolder holder_;
  LiveRegistry live_{1 << 20};
  RecommendService service_{holder_, nullptr, {"user-key-secret", "salt", 0}, nullptr, &live_};
  std::shared_ptr<TenantState> tenant_;
  int64_t id_ = 0;
};

TEST_F(LiveRecommendTest, TodaysEventsRankOnTopOfTheSnapshotButNeverAnUnavailableItem) {
  constexpr const char* kBody = R"({"surface": "default", "k": 4, "user": {"user_id": "u"}})";
  EXPECT_EQ(Ids(kBody), (std::vector<std::string>{"a", "b"}));
  Buy("b", 1);
  Buy("new", 3);
  Buy("c", 10);
  EXPECT_EQ(Ids(kBody), (std::vector<std::string>{"new", "b", "a"}));
}

TEST_F(LiveRecommendTest, ASurfaceWithOnlyTodaysEventsServesItsOwnWithoutFallingBack) {
  std::vector<LiveEvent> events = {{"x", "s:1", EventType::kView, NowUs(), 1}};
  live_.Apply(*tenant_, "flash", events, NowUs());
  auto served = service_.Handle(Endpoint::kRecommend, "shop",
                                R"({"surface": "flash", "user": {"user_id": "u"}})");
  ASSERT_TRUE(served.ok());
  ASSERT_EQ(served.value().result.items.size(), 1u);
  EXPECT_EQ(served.value().item_id(served.value().result.items[0].item), "x");
  for (const Warning& w : served.value().warnings) EXPECT_NE(w.code, "FALLBACK_NAMESPACE");
}

// A rollback's reason is often today's events (a bot's clicks): a tenant pinned to a signal
// version is served from that version alone, its live layer left aside until it is unpinned.
TEST_F(LiveRecommendTest, APinnedTenantIsServedWithoutItsLiveLayer) {
  constexpr const char* kBody = R"({"surface": "default", "k": 4, "user": {"user_id": "u"}})";
  Buy("bot", 50);
  ASSERT_EQ(Ids(kBody).front(), "bot");
  tenant_->pinned_version = 3;
  EXPECT_EQ(Ids(kBody), (std::vector<std::string>{"a", "b"}));
  tenant_->pinned_version = 0;
  EXPECT_EQ(Ids(kBody).front(), "bot");
}

}  // namespace
}  // namespace recsys::service
