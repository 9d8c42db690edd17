// The admin API end to end: a real `serve` (two, for propagation) on a real PostgreSQL.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <set>

#include "store/pg.h"
#include "testing/api_log.h"
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

const std::vector<std::pair<std::string, std::string>> kDemoAdmin = {
    {"X-Dev-User-Id", "alice"},
    {"X-Dev-Org-Id", "demo"},
    {"Content-Type", "application/json"},
    {"User-Agent", "admin-test/1.0"}};

class AdminTest : public testing::ServedDemoSuite {
 protected:
  static void SetUpTestSuite() { StartSuite("admin"); }
  HttpResult Call(const std::string& method, const std::string& path, const std::string& body = "",
                  std::vector<std::pair<std::string, std::string>> extra = {}) {
    auto headers = kDemoAdmin;
    headers.insert(headers.end(), extra.begin(), extra.end());
    return HttpCall(serve_->port(), method, "/v1/admin/tenants/demo" + path, headers, body);
  }
};

TEST_F(AdminTest, ConfigPutWithIfMatchVersionsAndAudit) {
  HttpResult got = Call("GET", "/config");
  ASSERT_EQ(got.status, 200) << got.body;
  const std::string etag = testing::ParseJson(got.body)["config_version"].GetString();
  EXPECT_EQ(testing::HeaderValue(got, "ETag"), etag);

  const std::string config = R"({"weights": {"pop": 1, "cooc": 0.3}, "limits": {"max_k": 100}})";
  HttpResult put = Call(
      "PUT", "/config", config,
      {{"If-Match", "\"" + etag + "\""}, {"X-Request-Id", "11111111-2222-4333-8444-555555555555"}});
  ASSERT_EQ(put.status, 200) << put.body;
  auto doc = testing::ParseJson(put.body);
  const std::string next = doc["config_version"].GetString();
  EXPECT_NE(next, etag);
  EXPECT_EQ(doc["config"]["limits"]["max_k"].GetInt(), 100);

  // A stale If-Match is refused and changes nothing.
  HttpResult stale = Call("PUT", "/config", R"({"weights": {"pop": 2}})", {{"If-Match", etag}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_NE(stale.body.find("RECSYS_VERSION_MISMATCH"), std::string::npos);
  EXPECT_EQ(testing::ParseJson(Call("GET", "/config").body)["config_version"].GetString(), next);

  // Identical content reuses its version.
  auto versions_before =
      testing::ParseJson(Call("GET", "/config/versions").body)["versions"].Size();
  HttpResult again = Call("PUT", "/config", config);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(testing::ParseJson(again.body)["config_version"].GetString(), next);
  EXPECT_EQ(testing::ParseJson(Call("GET", "/config/versions").body)["versions"].Size(),
            versions_before);

  HttpResult bad = Call("PUT", "/config", R"({"ranking": {"mmr_lambda": 3}})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("RECSYS_INVALID_CONFIG"), std::string::npos);
  EXPECT_NE(bad.body.find("ranking.mmr_lambda"), std::string::npos);

  store::PgConnection conn = db_->Connect();
  const std::string where =
      " FROM audit_log WHERE action = 'config.update' AND request_id = "
      "'11111111-2222-4333-8444-555555555555'";
  EXPECT_EQ(
      testing::QueryOne(
          conn,
          "SELECT actor_sub || ' ' || actor_type || ' ' || host(ip) || ' ' || user_agent" + where),
      "alice user 127.0.0.1 admin-test/1.0");
  EXPECT_EQ(
      testing::QueryOne(
          conn,
          "SELECT (before_state->'weights'->>'cooc') || ' ' || (after_state->'weights'->>'cooc')" +
              where),
      "0.5 0.3");
}

TEST_F(AdminTest, RulesGetIdsAreValidatedAndRollBack) {
  const std::string first =
      testing::ParseJson(Call("GET", "/rules").body)["rules_version"].GetString();
  HttpResult put = Call("PUT", "/rules",
                        R"([{"action": "pin", "target_type": "item", "item_ids": ["item-0250"]}])");
  ASSERT_EQ(put.status, 200) << put.body;
  auto doc = testing::ParseJson(put.body);
  EXPECT_EQ(std::string(doc["rules"][0]["id"].GetString()).size(), 36u);  // a UUID was assigned

  HttpResult bad =
      Call("PUT", "/rules", R"([{"action": "block", "target_type": "tag", "target_key": "x"},
                                             {"action": "boost", "target_type": "brand", "target_key": "acme"}])");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("RECSYS_INVALID_RULES"), std::string::npos);
  EXPECT_NE(bad.body.find("rules[1].boost_value"), std::string::npos);

  auto versions = testing::ParseJson(Call("GET", "/rules/versions?limit=10").body);
  ASSERT_GE(versions["versions"].Size(), 2u);
  EXPECT_TRUE(versions["versions"][0]["current"].GetBool());

  HttpResult back = Call("POST", "/rules/rollback", R"({"version": ")" + first + "\"}");
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(testing::ParseJson(Call("GET", "/rules").body)["rules_version"].GetString(), first);
  EXPECT_EQ(Call("POST", "/rules/rollback", R"({"version": "nope"})").status, 404);
  store::PgConnection conn = db_->Connect();
  EXPECT_EQ(
      testing::QueryOne(conn, "SELECT count(*) FROM audit_log WHERE action = 'rules.rollback'"),
      "1");
}

TEST_F(AdminTest, RulesDryRunShowsMatchesAndChangesWithoutSaving) {
  const std::string rules_before =
      testing::ParseJson(Call("GET", "/rules").body)["rules_version"].GetString();
  HttpResult r = Call("POST", "/rules/dry-run", R"({
      "rules": [{"id": "pin-tail", "action": "pin", "target_type": "item", "item_ids": ["item-0299"]},
                {"id": "no-acme", "action": "block", "target_type": "brand", "target_key": "acme"},
                {"id": "elsewhere", "action": "block", "target_type": "tag", "target_key": "x",
                 "surface": "pdp"}],
      "request": {"surface": "home", "k": 5, "user": {"user_id": "u"},
                  "weights": {"pop": 1, "cooc": 0, "emb": 0}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = testing::ParseJson(r.body);
  ASSERT_EQ(doc["after"].Size(), 5u);
  EXPECT_STREQ(doc["after"][0].GetString(), "item-0299");  // a stark item: not blocked
  ASSERT_GE(doc["changes"]["entered"].Size(), 1u);
  EXPECT_STREQ(doc["changes"]["entered"][0].GetString(), "item-0299");
  EXPECT_GE(doc["changes"]["left"].Size(), 1u);
  ASSERT_EQ(doc["rules"][0]["matched"].Size(), 1u);
  EXPECT_STREQ(doc["rules"][0]["matched"][0].GetString(), "item-0299");
  EXPECT_TRUE(doc["rules"][1]["applicable"].GetBool());
  for (const auto& id : doc["after"].GetArray()) {
    for (const auto& blocked : doc["rules"][1]["matched"].GetArray()) {
      EXPECT_STRNE(id.GetString(), blocked.GetString());  // acme items are gone
    }
  }
  EXPECT_FALSE(doc["rules"][2]["applicable"].GetBool());
  // Nothing saved, nothing audited.
  EXPECT_EQ(testing::ParseJson(Call("GET", "/rules").body)["rules_version"].GetString(),
            rules_before);
  store::PgConnection conn = db_->Connect();
  EXPECT_EQ(testing::QueryOne(conn,
                              "SELECT count(*) FROM audit_log WHERE action LIKE 'rules.%' AND "
                              "after_state::text LIKE '%pin-tail%'"),
            "0");
  HttpResult bad = Call(
      "POST", "/rules/dry-run",
      R"({"rules": [{"action": "x"}], "request": {"surface": "home", "user": {"user_id": "u"}}})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("rules[0].action"), std::string::npos);
}

TEST_F(AdminTest, OtherTenantsAndMissingDocuments) {
  store::PgConnection conn = db_->Connect();
  ASSERT_TRUE(conn.Exec("INSERT INTO tenants (external_id, name) VALUES ('empty', 'Empty')").ok());
  EXPECT_EQ(HttpCall(serve_->port(), "GET", "/v1/admin/tenants/empty/config",
                     {{"X-Dev-User-Id", "bob"}, {"X-Dev-Org-Id", "empty"}})
                .status,
            404);
  // demo's caller on another tenant's path, and on an unknown one: the same 403.
  EXPECT_EQ(HttpCall(serve_->port(), "GET", "/v1/admin/tenants/empty/config", kDemoAdmin).status,
            403);
  EXPECT_EQ(HttpCall(serve_->port(), "GET", "/v1/admin/tenants/ghost/config",
                     {{"X-Dev-User-Id", "bob"}, {"X-Dev-Org-Id", "ghost"}})
                .status,
            403);
  EXPECT_EQ(HttpCall(serve_->port(), "GET", "/v1/admin/tenants/demo/config").status, 401);
}

TEST_F(AdminTest, CacheInvalidationIsRecordedAndAudited) {
  HttpResult r = Call("POST", "/cache/invalidate", R"({"targets": ["popularity", "rules"]})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = testing::ParseJson(r.body);
  EXPECT_EQ(doc["invalidated"]["popularity"].GetInt(), 1);  // the demo's one namespace
  EXPECT_EQ(doc["invalidated"]["rules"].GetInt(), 1);
  store::PgConnection conn = db_->Connect();
  EXPECT_EQ(testing::QueryOne(
                conn, "SELECT array_to_string(targets, ',') FROM cache_invalidation_events"),
            "popularity,rules");
  EXPECT_EQ(
      testing::QueryOne(conn, "SELECT count(*) FROM audit_log WHERE action = 'cache.invalidate'"),
      "1");

  HttpResult bad = Call("POST", "/cache/invalidate", R"({"targets": ["everything"]})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("RECSYS_INVALID_TARGETS"), std::string::npos);
  EXPECT_EQ(testing::ParseJson(
                Call("POST", "/cache/invalidate", R"({"targets": ["all"]})").body)["targets"]
                .Size(),
            5u);
}

TEST_F(AdminTest, AuditPagesThrough500EntriesWithEqualTimestamps) {
  store::PgConnection conn = db_->Connect();
  ASSERT_TRUE(conn.Exec("INSERT INTO tenants (external_id, name) VALUES ('audited', 'A')").ok());
  ASSERT_TRUE(
      conn.Exec("INSERT INTO audit_log (tenant_id, occurred_at, actor_sub, actor_type, action) "
                "SELECT (SELECT id FROM tenants WHERE external_id = 'audited'), "
                "'2026-01-01T00:00:00Z', 'x', 'user', 'test.' || g "
                "FROM generate_series(1, 500) g")
          .ok());
  const std::vector<std::pair<std::string, std::string>> headers = {{"X-Dev-User-Id", "a"},
                                                                    {"X-Dev-Org-Id", "audited"}};
  std::set<int64_t> seen;
  int64_t last = INT64_MAX;
  std::string query = "?limit=200";
  for (int page = 0; page < 4; ++page) {
    HttpResult r =
        HttpCall(serve_->port(), "GET", "/v1/admin/tenants/audited/audit" + query, headers);
    ASSERT_EQ(r.status, 200) << r.body;
    auto doc = testing::ParseJson(r.body);
    for (const auto& e : doc["entries"].GetArray()) {
      const int64_t id = e["id"].GetInt64();
      EXPECT_LT(id, last);  // newest first, strictly
      last = id;
      seen.insert(id);
    }
    if (!doc.HasMember("next_before")) {
      EXPECT_EQ(page, 2);
      break;
    }
    query = std::string("?limit=200&before=") + doc["next_before"].GetString() +
            "&before_id=" + std::to_string(doc["next_before_id"].GetInt64());
  }
  EXPECT_EQ(seen.size(), 500u);
  EXPECT_EQ(
      HttpCall(serve_->port(), "GET", "/v1/admin/tenants/audited/audit?limit=201", headers).status,
      422);
}

TEST(ExperimentTest, AssignedVariantIsAppliedAndRecordedOnTheExposure) {
  auto db = testing::SeededDemoDatabase("experiment");
  ASSERT_NE(db, nullptr);
  store::PgConnection conn = db->Connect();
  ServeProcess serve(db->url());
  // One variant only, with weights that rank by co-visitation: every user lands in it.
  HttpResult put = HttpCall(serve.port(), "PUT", "/v1/admin/tenants/demo/config", kDemoAdmin,
                            R"({"experiments": [{"id": "exp1", "surface": "home", "variants": [
                                 {"name": "only", "weight": 1,
                                  "config": {"weights": {"pop": 0, "cooc": 1}}}]}]})");
  ASSERT_EQ(put.status, 200) << put.body;
  const std::string body = R"({"surface": "home", "k": 3, "user": {"user_id": "u7"},
                               "anchors": {"item_ids": ["item-0001"]},
                               "options": {"include_reasons": true}})";
  ASSERT_TRUE(WaitFor(
      [&] {
        auto doc = testing::ParseJson(serve.Post("/v1/recommend", body, kDemoAdmin).body);
        return doc["meta"].HasMember("experiment");
      },
      5s));
  HttpResult r = serve.Post("/v1/recommend", body, kDemoAdmin);
  auto doc = testing::ParseJson(r.body);
  EXPECT_STREQ(doc["meta"]["experiment"]["variant"].GetString(), "only");
  EXPECT_STREQ(doc["items"][0]["reasons"][0].GetString(), "co_visitation");  // pop weight 0
  const std::string request_id = doc["meta"]["request_id"].GetString();
  ASSERT_TRUE(WaitFor(
      [&] {
        return testing::QueryOne(
                   conn,
                   "SELECT experiment_id || '/' || experiment_variant FROM exposure_events "
                   "WHERE request_id = $1",
                   {request_id}) == "exp1/only";
      },
      5s));
}

TEST(AdminPropagationTest, TwoInstancesSeeARulesChangeWithinOneSecond) {
  auto db = testing::SeededDemoDatabase("propagation");
  ASSERT_NE(db, nullptr);
  // An hour between periodic refreshes: only NOTIFY can carry the change in time.
  ServeProcess a(db->url(), {{"RECSYS_REFRESH_INTERVAL_MS", "3600000"}});
  ServeProcess b(db->url(), {{"RECSYS_REFRESH_INTERVAL_MS", "3600000"}});
  const std::string body = R"({"surface": "home", "k": 3, "user": {"user_id": "u"}})";
  ASSERT_NE(
      testing::ParseJson(b.Post("/v1/recommend", body).body)["items"][0]["item_id"].GetString(),
      std::string("item-0277"));
  HttpResult put =
      HttpCall(a.port(), "PUT", "/v1/admin/tenants/demo/rules", kDemoAdmin,
               R"([{"action": "pin", "target_type": "item", "item_ids": ["item-0277"]}])");
  ASSERT_EQ(put.status, 200) << put.body;
  const auto saved = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitFor(
      [&] {
        return std::string(
                   testing::ParseJson(b.Post("/v1/recommend", body).body)["items"][0]["item_id"]
                       .GetString()) == "item-0277";
      },
      5s));
  EXPECT_LT(std::chrono::steady_clock::now() - saved, 1s);
}

}  // namespace
}  // namespace recsys
