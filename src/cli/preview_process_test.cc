// The impact preview end to end: a real `serve` on a real PostgreSQL, requests served and logged
// through /v1/recommend, then POST .../preview over them; its faults (a bad draft, an empty or a
// huge sample, two previews at once, the database gone).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "store/demo_seed.h"
#include "store/migration.h"
#include "store/migrator.h"
#include "store/pg.h"
#include "testing/serve_process.h"
#include "testing/served_demo_suite.h"
#include "testing/test_db.h"

namespace recsys {
namespace {

using namespace std::chrono_literals;
using testing::HttpCall;
using testing::HttpResult;
using testing::ServeProcess;
using testing::WaitFor;

const std::vector<std::pair<std::string, std::string>> kOperator = {
    {"X-Dev-User-Id", "olga"}, {"X-Dev-Org-Id", "demo"}, {"Content-Type", "application/json"}};
const std::string kPreview = "/v1/admin/tenants/demo/preview";
const std::string kHome = R"({"surface": "home", "k": 5, "user": {"user_id": "u"}})";

HttpResult Preview(int port, const std::string& body) {
  return HttpCall(port, "POST", kPreview, kOperator, body);
}

bool HasWarning(const rapidjson::Document& doc, const char* code) {
  for (const auto& w : doc["warnings"].GetArray()) {
    if (std::string(w["code"].GetString()) == code) return true;
  }
  return false;
}

class PreviewTest : public testing::ServedDemoSuite {
 protected:
  static void SetUpTestSuite() { StartSuite("preview"); }
  // Serves `n` home requests and waits until their exposure rows are written.
  static void ServeAndLog(int n) {
    store::PgConnection conn = db_->Connect();
    const int before = std::stoi(testing::QueryOne(conn, "SELECT count(*) FROM exposure_events"));
    for (int i = 0; i < n; ++i) ASSERT_EQ(serve_->Post("/v1/recommend", kHome).status, 200);
    ASSERT_TRUE(WaitFor(
        [&] {
          return std::stoi(testing::QueryOne(conn, "SELECT count(*) FROM exposure_events")) ==
                 before + n;
        },
        10s));
  }
};

TEST_F(PreviewTest, ABlockRuleOnTheTopItemChangesEveryLoggedResponseAndSavesNothing) {
  ServeAndLog(3);
  const std::string top =
      testing::ParseJson(serve_->Post("/v1/recommend", kHome).body)["items"][0]["item_id"]
          .GetString();
  const std::string rules_version =
      testing::ParseJson(HttpCall(serve_->port(), "GET", "/v1/admin/tenants/demo/rules", kOperator)
                             .body)["rules_version"]
          .GetString();
  HttpResult r = Preview(serve_->port(),
                         R"({"rules": [{"action": "block", "target_type": "item", "item_ids": [")" +
                             top + R"("]}], "sample": {"last": 3, "surface": "home"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = testing::ParseJson(r.body);
  EXPECT_EQ(doc["logged"].GetInt(), 3);
  EXPECT_EQ(doc["replayed"].GetInt(), 3);
  EXPECT_TRUE(doc["complete"].GetBool());
  EXPECT_TRUE(doc["draft"]["rules"].GetBool());
  EXPECT_FALSE(doc["draft"]["config"].GetBool());
  EXPECT_EQ(doc["rules_version"].GetString(), rules_version);
  EXPECT_EQ(doc["changed"]["responses"].GetInt(), 3);
  EXPECT_DOUBLE_EQ(doc["changed"]["share"].GetDouble(), 1.0);
  EXPECT_LT(doc["mean_rbo"].GetDouble(), 1.0);
  ASSERT_EQ(doc["lost"].Size(), 1u);
  EXPECT_EQ(doc["lost"][0]["item_id"].GetString(), top);
  EXPECT_EQ(doc["lost"][0]["responses"].GetInt(), 3);
  EXPECT_EQ(doc["gained"][0]["responses"].GetInt(), 3);
  EXPECT_EQ(doc["after"]["blocked"].GetInt(), 3);
  EXPECT_EQ(doc["catalog_items"].GetInt(), store::kDemoItemCount);
  EXPECT_NEAR(doc["before"]["coverage"].GetDouble(), 5.0 / store::kDemoItemCount, 1e-9);
  EXPECT_FALSE(doc.HasMember("off_policy"));  // the demo does not explore
  // Nothing saved: the rules are as they were.
  EXPECT_EQ(
      testing::ParseJson(HttpCall(serve_->port(), "GET", "/v1/admin/tenants/demo/rules", kOperator)
                             .body)["rules_version"]
          .GetString(),
      rules_version);
}

TEST_F(PreviewTest, ADraftThatDoesNotValidateIsUnprocessableNamingTheField) {
  HttpResult config = Preview(serve_->port(), R"({"config": {"ranking": {"mmr_lambda": 3}}})");
  EXPECT_EQ(config.status, 422);
  EXPECT_NE(config.body.find("RECSYS_INVALID_CONFIG"), std::string::npos) << config.body;
  EXPECT_NE(config.body.find("config.ranking.mmr_lambda"), std::string::npos) << config.body;
  HttpResult rules = Preview(serve_->port(), R"({"rules": [{"action": "teleport"}]})");
  EXPECT_EQ(rules.status, 422);
  EXPECT_NE(rules.body.find("RECSYS_INVALID_RULES"), std::string::npos) << rules.body;
  EXPECT_NE(rules.body.find("rules[0].action"), std::string::npos) << rules.body;
  EXPECT_EQ(Preview(serve_->port(), "{").status, 400);
}

TEST_F(PreviewTest, ASampleWithNoLoggedRequestsIsAClearEmptyReport) {
  HttpResult r = Preview(serve_->port(), R"({"config": {"weights": {"pop": 2}},
                                            "sample": {"surface": "nowhere"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = testing::ParseJson(r.body);
  EXPECT_EQ(doc["logged"].GetInt(), 0);
  EXPECT_EQ(doc["replayed"].GetInt(), 0);
  EXPECT_EQ(doc["changed"]["responses"].GetInt(), 0);
  EXPECT_TRUE(HasWarning(doc, "NO_LOGGED_REQUESTS"));
}

TEST_F(PreviewTest, AHugeSampleIsCappedAndSaysSo) {
  HttpResult r = Preview(serve_->port(), R"({"sample": {"last": 1000000000}})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = testing::ParseJson(r.body);
  EXPECT_TRUE(doc["sample"]["capped"].GetBool());
  EXPECT_EQ(doc["sample"]["last"].GetInt(), 20000);
  EXPECT_EQ(doc["sample"]["requested_last"].GetInt64(), 1000000000);
  EXPECT_TRUE(HasWarning(doc, "SAMPLE_CAPPED"));
}

TEST_F(PreviewTest, ASecondPreviewOfTheSameTenantWhileOneRunsIsRateLimited) {
  // 20000 logged requests (copies of a served one): a preview long enough to overlap.
  ServeAndLog(1);
  store::PgConnection conn = db_->Connect();
  ASSERT_TRUE(conn.Exec("INSERT INTO exposure_events (tenant_id, occurred_at, request_id, "
                        "surface, segment, algo_version, request, response) "
                        "SELECT e.tenant_id, e.occurred_at - g * interval '1 ms', "
                        "gen_random_uuid(), e.surface, e.segment, e.algo_version, "
                        "json_build_object('surface', 'home', 'segment', 'default', 'k', 20, "
                        "'weights', json_build_object('pop', 1 + g % 7)), e.response "
                        "FROM (SELECT * FROM exposure_events LIMIT 1) e, "
                        "generate_series(1, 20000) g")
                  .ok());
  auto first = std::async(std::launch::async,
                          [] { return Preview(serve_->port(), R"({"sample": {"last": 20000}})"); });
  // The second arrives while the first reads and replays its 20000 requests.
  std::this_thread::sleep_for(150ms);
  HttpResult second = Preview(serve_->port(), "{}");
  EXPECT_EQ(second.status, 429) << second.body;
  EXPECT_NE(second.headers.find("Retry-After: "), std::string::npos) << second.headers;
  EXPECT_NE(second.body.find("RECSYS_RATE_LIMITED"), std::string::npos);
  // Serving goes on meanwhile: the preview holds no I/O thread.
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(serve_->Post("/v1/recommend", kHome).status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  HttpResult done = first.get();
  ASSERT_EQ(done.status, 200) << done.body;
  auto doc = testing::ParseJson(done.body);
  EXPECT_EQ(doc["logged"].GetInt(), 20000);
  if (doc["complete"].GetBool()) {
    EXPECT_EQ(doc["replayed"].GetInt() + doc["not_replayed"].GetInt(), 20000);
  }
  // And once it is done, the tenant may preview again.
  EXPECT_EQ(Preview(serve_->port(), R"({"sample": {"last": 10}})").status, 200);
}

TEST(PreviewDatabaseTest, APreviewWhileTheDatabaseIsDownIs503WithRetryAfter) {
  testing::PrivateCluster cluster;
  {
    auto conn = store::PgConnection::Connect(cluster.AdminUrl());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE(store::Migrator(conn.value(), store::EmbeddedMigrations()).Up().ok());
    ASSERT_TRUE(store::SeedDemo(conn.value()).ok());
  }
  ServeProcess serve(cluster.AdminUrl());
  ASSERT_EQ(Preview(serve.port(), "{}").status, 200);
  cluster.Stop();
  HttpResult r = Preview(serve.port(), "{}");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.headers.find("Retry-After: "), std::string::npos) << r.headers;
  EXPECT_NE(r.body.find("RECSYS_UNAVAILABLE"), std::string::npos) << r.body;
  // Serving itself goes on from memory.
  EXPECT_EQ(serve.Post("/v1/recommend", kHome).status, 200);
  cluster.Start();
}

}  // namespace
}  // namespace recsys
