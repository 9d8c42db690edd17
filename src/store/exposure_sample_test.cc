#include "store/exposure_sample.h"

#include <gtest/gtest.h>

#include "testing/test_db.h"

namespace recsys::store {
namespace {

using service::LoggedRequest;
using service::PreviewSample;

constexpr const char* kR1 = "00000000-0000-4000-8000-000000000001";
constexpr const char* kR2 = "00000000-0000-4000-8000-000000000002";
constexpr const char* kR3 = "00000000-0000-4000-8000-000000000003";
constexpr const char* kR4 = "00000000-0000-4000-8000-000000000004";

const TimestampUs kNow = ParseRfc3339("2026-03-10T12:00:00Z").value();

class ExposureSampleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("exposure_sample");
    conn_ = std::make_unique<PgConnection>(db_->Connect());
    shop_ = testing::QueryOne(
        *conn_, "INSERT INTO tenants (external_id, name) VALUES ('shop', 'Shop') RETURNING id");
    other_ = testing::QueryOne(
        *conn_, "INSERT INTO tenants (external_id, name) VALUES ('other', 'Other') RETURNING id");
    ASSERT_FALSE(shop_.empty());
    ASSERT_FALSE(other_.empty());
  }
  // One exposure row logged `hours_ago` before kNow.
  void Exposure(const std::string& tenant, double hours_ago, const std::string& request_id,
                const std::string& surface, const std::string& response,
                const std::string& user_key_hex = "") {
    auto r = conn_->Query(
        "INSERT INTO exposure_events (tenant_id, occurred_at, request_id, surface, segment, "
        "user_key, session_id, algo_version, request, response) VALUES ($1, "
        "$2::timestamptz - $3::double precision * interval '1 hour', $4::uuid, $5, 'default', "
        "decode(nullif($6, ''), 'hex'), 's-' || $4::text, 'v1', "
        "json_build_object('surface', $5::text, 'k', 2), $7::json)",
        {tenant, FormatRfc3339(kNow), std::to_string(hours_ago), request_id, surface, user_key_hex,
         response});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  std::vector<LoggedRequest> Read(const PreviewSample& sample) {
    auto rows = ReadExposureSample(*conn_, shop_, sample, kNow);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? rows.value() : std::vector<LoggedRequest>{};
  }
  static std::vector<std::string> Ids(const std::vector<LoggedRequest>& rows) {
    std::vector<std::string> ids;
    for (const LoggedRequest& r : rows) ids.push_back(r.request_id);
    return ids;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<PgConnection> conn_;
  std::string shop_, other_;
};

constexpr const char* kServed = R"({"items": ["a", "b"], "scores": [2, 1]})";

TEST_F(ExposureSampleTest, TheNewestFirstAcrossGrowingWindowsOnlyTheTenantsOwn) {
  Exposure(shop_, 0.5, kR1, "home", kServed, "ab01");
  Exposure(shop_, 30, kR2, "home", kServed);       // beyond the first hour's window
  Exposure(shop_, 24 * 200, kR3, "pdp", kServed);  // far back
  Exposure(other_, 0.1, kR4, "home", kServed);
  PreviewSample sample;
  sample.last = 10;
  const auto rows = Read(sample);
  EXPECT_EQ(Ids(rows), (std::vector<std::string>{kR1, kR2, kR3}));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0].user_key, std::string("\xab\x01", 2));
  EXPECT_EQ(rows[0].session_id, std::string("s-") + kR1);
  EXPECT_EQ(rows[0].served, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(rows[0].propensities.empty());
  EXPECT_NE(rows[0].request_json.find("\"surface\""), std::string::npos);
  EXPECT_EQ(rows[1].user_key, "");
  sample.last = 2;
  EXPECT_EQ(Ids(Read(sample)), (std::vector<std::string>{kR1, kR2}));
}

TEST_F(ExposureSampleTest, ASurfaceAndATimeRangeNarrowTheSample) {
  Exposure(shop_, 1, kR1, "home", kServed);
  Exposure(shop_, 2, kR2, "pdp", kServed);
  Exposure(shop_, 3, kR3, "home", kServed);
  PreviewSample sample;
  sample.surface = "home";
  EXPECT_EQ(Ids(Read(sample)), (std::vector<std::string>{kR1, kR3}));
  sample.surface.clear();
  sample.from = kNow - 9000LL * 1000000;
  sample.to = kNow - 1800LL * 1000000;
  EXPECT_EQ(Ids(Read(sample)), (std::vector<std::string>{kR1, kR2}));
  sample.to = kNow - 5400LL * 1000000;
  EXPECT_EQ(Ids(Read(sample)), (std::vector<std::string>{kR2}));
}

TEST_F(ExposureSampleTest, ExploringRowsComeWithTheirPropensitiesAndClicks) {
  Exposure(shop_, 1, kR1, "home",
           R"({"items": ["a", "b"], "scores": [2, 1], "propensities": [0.9, 0.5]})");
  Exposure(shop_, 2, kR2, "home", R"({"items": ["a", "b"], "scores": [2, 1],
                                      "propensities": [0.9]})");  // not ours: ignored
  ASSERT_TRUE(conn_
                  ->Query("INSERT INTO interaction_events (tenant_id, occurred_at, event_type, "
                          "item_id, request_id) VALUES ($1, $2, 'click', 'b', $3)",
                          {shop_, FormatRfc3339(kNow), kR1})
                  .ok());
  const auto rows = Read({});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].propensities, (std::vector<float>{0.9f, 0.5f}));
  EXPECT_EQ(rows[0].clicked, (std::vector<std::string>{"b"}));
  EXPECT_TRUE(rows[1].propensities.empty());
}

TEST_F(ExposureSampleTest, NoLoggedRequestsIsAnEmptySample) { EXPECT_TRUE(Read({}).empty()); }

}  // namespace
}  // namespace recsys::store
