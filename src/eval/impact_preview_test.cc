// The replay preview in memory: a hand-built tenant state, a fake sample source, the real
// RecommendService; no database.
#include "eval/impact_preview.h"

#include <gtest/gtest.h>

#include "core/snapshot.h"

namespace recsys::eval {
namespace {

using service::ImpactReport;
using service::LoggedRequest;
using service::PreviewRequest;

class FakeSample : public service::ExposureSampleSource {
 public:
  Result<std::vector<LoggedRequest>> Read(const std::string& tenant_id,
                                          const service::PreviewSample& sample,
                                          TimestampUs) override {
    last_tenant = tenant_id;
    if (down) return Status::Unavailable("the database is unavailable; retry later");
    std::vector<LoggedRequest> out = rows;
    if (static_cast<int64_t>(out.size()) > sample.last) out.resize(sample.last);
    return out;
  }
  std::vector<LoggedRequest> rows;
  std::string last_tenant;
  bool down = false;
};

LoggedRequest Logged(const std::string& request_json) {
  LoggedRequest logged;
  logged.request_id = "r";
  logged.surface = "home";
  logged.request_json = request_json;
  return logged;
}

class ReplayPreviewerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tenant = std::make_shared<service::TenantState>();
    tenant->id = "00000000-0000-4000-8000-000000000001";
    tenant->external_id = "shop";
    tenant->config_etag = "c1";
    tenant->rules_etag = "r1";
    SnapshotBuilder builder(DayOf(NowUs()), 30);
    const char* ids[] = {"a", "b", "c", "d", "e", "f"};
    for (int i = 0; i < 6; ++i) builder.AddPopularity(ids[i], DayOf(NowUs()), 60 - 10 * i);
    tenant->snapshots["default"] = builder.Build();
    auto state = std::make_shared<service::ServingState>();
    state->signals_loaded = true;
    state->tenants["shop"] = std::move(tenant);
    holder_.Publish(std::move(state));
  }

  Result<ImpactReport> Run(const std::string& body, service::PreviewBudget budget = Forever()) {
    auto request = service::ParsePreviewRequest(body);
    EXPECT_TRUE(request.ok()) << request.status().ToString();
    return previewer_.Preview(tenant_, request.value(), budget);
  }
  static service::PreviewBudget Forever() {
    return {std::chrono::steady_clock::now() + std::chrono::hours(1), nullptr};
  }

  service::TenantRef tenant_{"00000000-0000-4000-8000-000000000001", "shop"};
  service::StateHolder holder_;
  FakeSample source_;
  service::RecommendService recommend_{holder_, nullptr, {"secret", "salt", 0}};
  ReplayPreviewer previewer_{source_, holder_, recommend_};
};

constexpr const char* kK3 = R"({"surface": "home", "segment": "default", "k": 3})";

TEST_F(ReplayPreviewerTest, ABlockRuleChangesEveryResponseAndNamesGainedAndLostItems) {
  source_.rows = {Logged(kK3), Logged(kK3)};
  auto report =
      Run(R"({"rules": [{"action": "block", "target_type": "item", "item_ids": ["a"]}]})");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const ImpactReport& r = report.value();
  EXPECT_EQ(source_.last_tenant, "00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(r.logged, 2);
  EXPECT_EQ(r.replayed, 2);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.config_version, "c1");
  EXPECT_TRUE(r.draft_rules);
  EXPECT_FALSE(r.draft_config);
  EXPECT_EQ(r.summary.changed, 2);
  EXPECT_DOUBLE_EQ(r.summary.changed_share, 1.0);
  ASSERT_EQ(r.summary.gained.size(), 1u);
  EXPECT_EQ(r.summary.gained[0].item_id, "d");
  EXPECT_EQ(r.summary.gained[0].responses, 2);
  ASSERT_EQ(r.summary.lost.size(), 1u);
  EXPECT_EQ(r.summary.lost[0].item_id, "a");
  EXPECT_EQ(r.summary.after.blocked, 2);
  EXPECT_EQ(r.summary.before.blocked, 0);
  EXPECT_EQ(r.summary.catalog_items, 6);
  EXPECT_DOUBLE_EQ(r.summary.before.coverage, 0.5);
  EXPECT_FALSE(r.off_policy.has_value());
}

TEST_F(ReplayPreviewerTest, TheCurrentConfigAndRulesAgainstThemselvesChangeNothing) {
  source_.rows = {Logged(kK3)};
  auto report = Run("{}");
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report.value().summary.changed, 0);
  EXPECT_DOUBLE_EQ(report.value().summary.mean_rbo, 1.0);
}

TEST_F(ReplayPreviewerTest, AnEmptySampleIsAnEmptyReportWithAWarning) {
  auto report = Run(R"({"config": {"weights": {"pop": 2}}})");
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report.value().logged, 0);
  EXPECT_EQ(report.value().summary.responses, 0);
  ASSERT_FALSE(report.value().warnings.empty());
  EXPECT_EQ(report.value().warnings[0].code, "NO_LOGGED_REQUESTS");
}

TEST_F(ReplayPreviewerTest, AHugeSampleIsCappedAndSaysSo) {
  auto report = Run(R"({"sample": {"last": 1000000}})");
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report.value().capped);
  EXPECT_EQ(report.value().sample.last, service::kPreviewMaxLast);
  EXPECT_EQ(report.value().requested_last, 1000000);
  EXPECT_EQ(report.value().warnings[0].code, "SAMPLE_CAPPED");
}

TEST_F(ReplayPreviewerTest, ASpentBudgetStopsTheReplayAndTheReportSaysSo) {
  source_.rows = {Logged(kK3), Logged(kK3)};
  auto report = Run("{}", {std::chrono::steady_clock::now(), nullptr});
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report.value().complete);
  EXPECT_EQ(report.value().replayed, 0);
  bool warned = false;
  for (const Warning& w : report.value().warnings) warned = warned || w.code == "DEADLINE_REACHED";
  EXPECT_TRUE(warned);
}

TEST_F(ReplayPreviewerTest, UnparsableLoggedRequestsAreCountedNotFatal) {
  source_.rows = {Logged(kK3), Logged("[1]"), Logged(R"({"surface": "home", "k": 0})")};
  auto report = Run("{}");
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report.value().replayed, 1);
  EXPECT_EQ(report.value().not_replayed, 2);
}

TEST_F(ReplayPreviewerTest, TheDatabaseDownIsUnavailable) {
  source_.down = true;
  auto report = Run("{}");
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kUnavailable);
}

TEST_F(ReplayPreviewerTest, ExploringResponsesGiveAnOffPolicyEstimateOfTheDraft) {
  // Served a, b, c with propensity 1 per slot, clicked a: the current ranking matches it fully.
  LoggedRequest logged = Logged(kK3);
  logged.served = {"a", "b", "c"};
  logged.propensities = {1, 1, 1};
  logged.clicked = {"a"};
  source_.rows = {logged, logged};
  auto same = Run("{}");
  ASSERT_TRUE(same.ok());
  ASSERT_TRUE(same.value().off_policy.has_value());
  EXPECT_EQ(same.value().off_policy->responses, 2);
  EXPECT_DOUBLE_EQ(same.value().off_policy->logged_clicks, 1.0);
  EXPECT_DOUBLE_EQ(same.value().off_policy->estimate, 1.0);
  // Blocking `a` moves b to the top: no logged prefix matches, so the estimate is 0.
  auto blocked =
      Run(R"({"rules": [{"action": "block", "target_type": "item", "item_ids": ["a"]}]})");
  ASSERT_TRUE(blocked.ok());
  EXPECT_DOUBLE_EQ(blocked.value().off_policy->estimate, 0.0);
  EXPECT_FALSE(blocked.value().off_policy->enough_support);
}

TEST_F(ReplayPreviewerTest, ADraftThatChangesSignalSettingsIsFlagged) {
  source_.rows = {Logged(kK3)};
  auto report = Run(R"({"config": {"ranking": {"half_life_days": 3}}})");
  ASSERT_TRUE(report.ok());
  bool warned = false;
  for (const Warning& w : report.value().warnings) {
    warned = warned || w.code == "SIGNAL_SETTINGS_NOT_REPLAYED";
  }
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace recsys::eval
