#include "store/eval_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "store/registry.h"
#include "testing/test_db.h"

namespace recsys::store {
namespace {

constexpr const char* kR1 = "00000000-0000-4000-8000-000000000001";
constexpr const char* kR2 = "00000000-0000-4000-8000-000000000002";
constexpr const char* kR3 = "00000000-0000-4000-8000-000000000003";
constexpr const char* kR4 = "00000000-0000-4000-8000-000000000004";
constexpr const char* kR5 = "00000000-0000-4000-8000-000000000005";
constexpr const char* kUnlogged = "00000000-0000-4000-8000-0000000000ff";

TimestampUs At(const char* rfc3339) { return ParseRfc3339(rfc3339).value(); }

PgParam NullIfEmpty(const std::string& text) { return text.empty() ? PgParam() : PgParam(text); }

// The window every test reads: one day.
const TimestampUs kFrom = At("2026-03-10T00:00:00Z");
const TimestampUs kTo = At("2026-03-11T00:00:00Z");

class EvalSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("eval_source");
    conn_ = std::make_unique<PgConnection>(db_->Connect());
    Registry registry(*conn_, "ops");
    ASSERT_TRUE(registry.CreateTenant("shop", "Shop").ok());
    ASSERT_TRUE(registry.CreateTenant("other", "Other").ok());
    shop_ = testing::QueryOne(*conn_, "SELECT id FROM tenants WHERE external_id = 'shop'");
    other_ = testing::QueryOne(*conn_, "SELECT id FROM tenants WHERE external_id = 'other'");
  }

  // One interaction row; an empty `request_id`, `user_key` (hex), `session` or `surface` is NULL.
  void Interaction(const std::string& tenant, const std::string& at, const std::string& type,
                   const std::string& item, const std::string& request_id = "",
                   const std::string& user_key = "", const std::string& session = "",
                   const std::string& surface = "", const std::string& value = "") {
    auto r = conn_->Query(
        "INSERT INTO interaction_events (tenant_id, occurred_at, event_type, item_id, request_id, "
        "user_key, session_id, surface, value) VALUES ($1, $2, $3::interaction_type, $4, "
        "$5::uuid, decode($6, 'hex'), $7, $8, $9::numeric)",
        {tenant, at, type, item, NullIfEmpty(request_id), NullIfEmpty(user_key),
         NullIfEmpty(session), NullIfEmpty(surface), NullIfEmpty(value)});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  // One exposure row of the shop; an empty `experiment`, `variant`, `user_key` or `meta` is NULL.
  void Exposure(const std::string& at, const std::string& request_id, const std::string& experiment,
                const std::string& variant, const std::string& response,
                const std::string& user_key = "", const std::string& meta = "") {
    auto r = conn_->Query(
        "INSERT INTO exposure_events (tenant_id, occurred_at, request_id, surface, segment, "
        "user_key, experiment_id, experiment_variant, algo_version, request, response, meta) "
        "VALUES ($1, $2, $3, 'home', 'all', decode($4, 'hex'), $5, $6, 'v1', '{}', $7::jsonb, "
        "$8::jsonb)",
        {shop_, at, request_id, NullIfEmpty(user_key), NullIfEmpty(experiment),
         NullIfEmpty(variant), response, NullIfEmpty(meta)});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  static TenantConfig Config(const std::string& json) {
    auto config = ParseTenantConfig(json);
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    return config.ok() ? config.value() : TenantConfig{};
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<PgConnection> conn_;
  std::string shop_, other_;
};

TEST_F(EvalSourceTest, EventLogHoldsTheTenantsEventsBeforeTheSplitInOrder) {
  Interaction(shop_, "2026-03-10T10:00:00Z", "click", "i2");  // no user, session nor surface
  Interaction(shop_, "2026-03-10T09:00:00Z", "view", "i1", "", "ab01", "s1", "home");
  Interaction(shop_, "2026-03-11T00:00:00Z", "view", "late");  // at the split: not read
  Interaction(other_, "2026-03-10T09:00:00Z", "view", "theirs");

  auto log = ReadEventLog(*conn_, shop_, kTo);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  const eval::EventLog& events = log.value();
  ASSERT_EQ(events.events().size(), 2u);
  const eval::LoggedEvent& first = events.events()[0];
  EXPECT_EQ(first.at, At("2026-03-10T09:00:00Z"));
  EXPECT_EQ(events.items().id(first.item), "i1");
  EXPECT_EQ(events.users().id(first.user), "ab01");
  EXPECT_EQ(events.sessions().id(first.session), "s1");
  EXPECT_EQ(events.surfaces().id(first.surface), "home");
  EXPECT_EQ(first.type, EventType::kView);
  const eval::LoggedEvent& second = events.events()[1];
  EXPECT_EQ(events.items().id(second.item), "i2");
  EXPECT_EQ(second.user, eval::kNone);
  EXPECT_EQ(second.session, eval::kNone);
  EXPECT_EQ(events.surfaces().id(second.surface), "default");
  EXPECT_EQ(second.type, EventType::kClick);
  EXPECT_FALSE(events.items().Find("late").has_value());
  EXPECT_FALSE(events.items().Find("theirs").has_value());
}

TEST_F(EvalSourceTest, EventLogHoldsTheTenantsCatalogTags) {
  ASSERT_TRUE(conn_
                  ->Query("INSERT INTO item_tags (tenant_id, namespace, item_id, tags) VALUES "
                          "($1, 'home', 'i1', '{red,big}'), ($1, 'home', 'bare', '{}'), "
                          "($2, 'home', 'theirs', '{blue}')",
                          {shop_, other_})
                  .ok());
  auto log = ReadEventLog(*conn_, shop_, kTo);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  std::set<std::string> tags;
  for (const eval::CatalogTag& tag : log.value().tags()) {
    if (tag.tag.empty()) continue;
    tags.insert(std::string(log.value().surfaces().id(tag.surface)) + "/" +
                std::string(log.value().items().id(tag.item)) + "/" + tag.tag);
  }
  EXPECT_EQ(tags, (std::set<std::string>{"home/i1/big", "home/i1/red"}));
  EXPECT_TRUE(log.value().items().Find("bare").has_value());  // an item without tags is known
  EXPECT_FALSE(log.value().items().Find("theirs").has_value());
}

TEST_F(EvalSourceTest, ExperimentExposuresCarryWhatTheirUsersDidAfter) {
  const TenantConfig config = Config(R"({"experiments": [{"id": "exp1", "surface": "home",
      "variants": [{"name": "treatment", "weight": 30}, {"name": "control", "weight": 70}]}]})");
  Exposure("2026-03-10T08:00:00Z", kR1, "exp1", "control", R"({"items": ["a", "b"]})", "ab01",
           R"({"counts": {}, "timings_us": {"total": 1500}})");
  Exposure("2026-03-10T09:00:00Z", kR2, "exp1", "treatment", R"({"items": []})");
  Exposure("2026-03-10T09:30:00Z", kR3, "exp1", "retired", R"({"items": ["a"]})", "ab01");
  Exposure("2026-03-10T09:00:00Z", kR4, "exp2", "control", R"({"items": ["a"]})");
  Exposure("2026-03-11T00:00:00Z", kR5, "exp1", "control", R"({"items": ["a"]})");
  Interaction(shop_, "2026-03-10T08:01:00Z", "click", "a", kR1);
  Interaction(shop_, "2026-03-11T08:00:00Z", "purchase", "a", kR1, "", "", "", "12.5");
  Interaction(shop_, "2026-03-10T08:02:00Z", "click", "a", kUnlogged);

  auto data = ReadExperiment(*conn_, shop_, "exp1", kFrom, kTo, config);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  const eval::ExperimentData& d = data.value();
  EXPECT_EQ(d.experiment_id, "exp1");
  EXPECT_EQ(d.variants, (std::vector<std::string>{"treatment", "control", "retired"}));
  EXPECT_EQ(d.weights, (std::vector<double>{30, 70, 0}));
  EXPECT_EQ(d.control, 1u);
  EXPECT_TRUE(d.interleaved.empty());
  ASSERT_EQ(d.exposures.size(), 3u);  // exp2's row and the row at `to` are not the window's
  auto of_variant = [&](uint32_t variant) {
    return *std::find_if(d.exposures.begin(), d.exposures.end(),
                         [&](const eval::ExposureOutcome& e) { return e.variant == variant; });
  };
  const eval::ExposureOutcome control = of_variant(1);
  EXPECT_FALSE(control.empty);
  EXPECT_FALSE(control.degraded);
  EXPECT_EQ(control.latency_us, 1500);
  EXPECT_TRUE(control.clicked);
  EXPECT_FALSE(control.added_to_cart);
  EXPECT_TRUE(control.purchased);  // within a day after the window
  EXPECT_DOUBLE_EQ(control.revenue, 12.5);
  const eval::ExposureOutcome treatment = of_variant(0);
  EXPECT_TRUE(treatment.empty);
  EXPECT_TRUE(treatment.degraded);
  EXPECT_EQ(treatment.latency_us, -1);
  EXPECT_FALSE(treatment.clicked);
  EXPECT_NE(treatment.user, control.user);      // keyed by request when anonymous
  EXPECT_EQ(of_variant(2).user, control.user);  // the same user key, the same user
  EXPECT_EQ(d.interactions_with_request, 2);    // the purchase is after the window
  EXPECT_EQ(d.interactions_joined, 1);
}

TEST_F(EvalSourceTest, AnUnconfiguredExperimentHasNoWeights) {
  Exposure("2026-03-10T08:00:00Z", kR1, "gone", "b", R"({"items": ["a"]})");
  Exposure("2026-03-10T08:10:00Z", kR2, "gone", "control", R"({"items": ["a"]})");
  auto data = ReadExperiment(*conn_, shop_, "gone", kFrom, kTo, TenantConfig{});
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  std::vector<std::string> variants = data.value().variants;  // in the order first seen
  std::sort(variants.begin(), variants.end());
  EXPECT_EQ(variants, (std::vector<std::string>{"b", "control"}));
  EXPECT_TRUE(data.value().weights.empty());
  EXPECT_EQ(data.value().variants[data.value().control], "control");
}

TEST_F(EvalSourceTest, InterleavedClicksAreCreditedToTheTeamOfTheItem) {
  const TenantConfig config = Config(R"({"experiments": [{"id": "tdi", "surface": "home",
      "mode": "interleave", "variants": [{"name": "control", "weight": 1},
      {"name": "new", "weight": 1}]}]})");
  Exposure("2026-03-10T08:00:00Z", kR1, "tdi", "interleaved",
           R"({"items": ["a", "b", "c"], "teams": ["new", "control", "new"]})", "ab01");
  Exposure("2026-03-10T08:00:00Z", kR2, "tdi", "interleaved",
           R"({"items": ["a", "b"], "teams": ["new"]})");  // not a row this service writes
  Interaction(shop_, "2026-03-10T08:01:00Z", "click", "a", kR1);
  Interaction(shop_, "2026-03-10T08:02:00Z", "click", "a", kR1);  // the same item once
  Interaction(shop_, "2026-03-10T08:03:00Z", "click", "c", kR1);
  Interaction(shop_, "2026-03-10T08:04:00Z", "purchase", "b", kR1);  // not a click
  Interaction(shop_, "2026-03-10T08:05:00Z", "click", "b", kR2);

  auto data = ReadExperiment(*conn_, shop_, "tdi", kFrom, kTo, config);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  const eval::ExperimentData& d = data.value();
  EXPECT_EQ(d.teams[0], "control");
  EXPECT_EQ(d.teams[1], "new");
  EXPECT_TRUE(d.exposures.empty());
  ASSERT_EQ(d.interleaved.size(), 1u);
  EXPECT_EQ(d.interleaved[0].clicks[0], 0);
  EXPECT_EQ(d.interleaved[0].clicks[1], 2);
}

TEST_F(EvalSourceTest, LoggedResponsesAreThoseWithPropensitiesAndTheirClicks) {
  Exposure("2026-03-10T08:00:00Z", kR1, "", "",
           R"({"items": ["a", "b"], "propensities": [0.5, 0.25]})", "ab01");
  Exposure("2026-03-10T08:00:00Z", kR2, "", "", R"({"items": ["a"]})");
  Exposure("2026-03-10T08:00:00Z", kR3, "", "",
           R"({"items": ["a"], "propensities": ["high"]})");  // not a row this service writes
  Exposure("2026-03-11T00:00:00Z", kR4, "", "", R"({"items": ["a"], "propensities": [1]})");
  Interaction(shop_, "2026-03-11T07:00:00Z", "click", "b", kR1);
  Interaction(shop_, "2026-03-10T08:01:00Z", "view", "a", kR1);

  auto responses = ReadLoggedResponses(*conn_, shop_, kFrom, kTo);
  ASSERT_TRUE(responses.ok()) << responses.status().ToString();
  ASSERT_EQ(responses.value().size(), 1u);
  const LoggedResponse& response = responses.value()[0];
  EXPECT_EQ(response.surface, "home");
  EXPECT_EQ(response.user_key, "ab01");
  EXPECT_EQ(response.items, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(response.propensities, (std::vector<float>{0.5f, 0.25f}));
  EXPECT_EQ(response.clicked, (std::vector<std::string>{"b"}));
}

}  // namespace
}  // namespace recsys::store
