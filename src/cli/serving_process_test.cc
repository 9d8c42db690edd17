// /v1/recommend, /v1/similar and /v1/recommend/validate end to end: a real `serve` process on a
// real PostgreSQL with the demo tenant.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <thread>

#include "store/change_notice.h"
#include "store/pg.h"
#include "testing/http_client.h"
#include "testing/serve_process.h"
#include "testing/served_demo_suite.h"
#include "testing/test_db.h"

namespace recsys {
namespace {

using namespace std::chrono_literals;
using testing::HttpCall;
using testing::HttpResult;
using testing::WaitFor;

using Serve = testing::ServeProcess;

class ServingTest : public testing::ServedDemoSuite {
 protected:
  static void SetUpTestSuite() { StartSuite("serving"); }
};

TEST_F(ServingTest, RecommendReturnsPopularityOrderWithCompleteMeta) {
  const std::string request_id = "123e4567-e89b-42d3-a456-426614174000";
  HttpResult r = HttpCall(serve_->port(), "POST", "/v1/recommend",
                          {{"X-Dev-User-Id", "u1"},
                           {"X-Dev-Org-Id", "demo"},
                           {"Content-Type", "application/json"},
                           {"X-Request-Id", request_id}},
                          R"({"surface": "home", "k": 5, "user": {"user_id": "u1"},
                              "weights": {"pop": 1, "cooc": 0, "emb": 0},
                              "options": {"include_reasons": true, "explain": "summary"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.headers.find("X-Request-Id: " + request_id), std::string::npos) << r.headers;
  auto doc = testing::ParseJson(r.body);
  const auto& items = doc["items"];
  ASSERT_EQ(items.Size(), 5u);
  store::PgConnection conn = db_->Connect();
  auto top = conn.Query(
      "SELECT item_id FROM item_popularity_daily GROUP BY item_id "
      "ORDER BY sum(score * exp(-ln(2) * (current_date - day) / 30.0)) DESC, item_id LIMIT 5");
  ASSERT_TRUE(top.ok());
  for (rapidjson::SizeType i = 0; i < 5; ++i) {
    EXPECT_EQ(std::string(items[i]["item_id"].GetString()),
              top.value().Get(static_cast<int>(i), 0));
    EXPECT_EQ(items[i]["rank"].GetInt(), static_cast<int>(i) + 1);
    EXPECT_STREQ(items[i]["reasons"][0].GetString(), "popularity");
    EXPECT_TRUE(items[i]["explain"]["signals"]["pop"].IsNumber());
  }
  const auto& meta = doc["meta"];
  EXPECT_STREQ(meta["tenant_id"].GetString(), "demo");
  EXPECT_STREQ(meta["surface"].GetString(), "home");
  EXPECT_STREQ(meta["segment"].GetString(), "default");
  EXPECT_STREQ(meta["request_id"].GetString(), request_id.c_str());
  EXPECT_EQ(
      std::string(meta["config_version"].GetString()),
      testing::QueryOne(conn,
                        "SELECT v.etag FROM tenant_configs_current c JOIN tenant_config_versions v "
                        "ON v.id = c.config_version_id"));
  EXPECT_EQ(std::string(meta["rules_version"].GetString()).size(), 64u);
  EXPECT_TRUE(meta["algo_version"].IsString());
  EXPECT_TRUE(meta["counts"]["candidates_considered"].IsInt());
  EXPECT_EQ(meta["counts"]["returned"].GetInt(), 5);
  EXPECT_TRUE(meta["timings_ms"]["total"].IsInt64());
  EXPECT_TRUE(meta["timings_us"]["rank"].IsInt64());
  bool fallback = false, segment_default = false;
  for (const auto& w : doc["warnings"].GetArray()) {
    fallback |= std::string(w["code"].GetString()) == "FALLBACK_NAMESPACE";
    segment_default |= std::string(w["code"].GetString()) == "DEFAULT_APPLIED";
  }
  EXPECT_TRUE(fallback);
  EXPECT_TRUE(segment_default);
}

TEST_F(ServingTest, BadInputGetsProblemsWithStableCodes) {
  const struct {
    std::string body;
    int status;
    const char* code;
  } cases[] = {
      {"{not json", 400, "RECSYS_INVALID_REQUEST"},
      {R"({"surface": "home"})", 422, "RECSYS_UNPROCESSABLE_ENTITY"},
      {R"({"surface": "home", "user": {"user_id": "u"}, "k": 500})", 422,
       "RECSYS_UNPROCESSABLE_ENTITY"},
      {R"({"surface": ["home"], "user": {"user_id": "u"}})", 400, "RECSYS_INVALID_REQUEST"},
      {R"({"surface": "home'; DROP TABLE tenants; --", "user": {"user_id": ")" +
           std::string(300, 'x') + "\"}}",
       422, "RECSYS_UNPROCESSABLE_ENTITY"},
  };
  for (const auto& c : cases) {
    HttpResult r = serve_->Post("/v1/recommend", c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
    EXPECT_NE(r.headers.find("application/problem+json"), std::string::npos);
    EXPECT_NE(r.body.find(c.code), std::string::npos) << r.body;
  }
  const std::string ok = R"({"surface": "home", "user": {"user_id": "u"}})";
  EXPECT_EQ(
      serve_->Post("/v1/recommend", ok, {{"X-Dev-User-Id", "u"}, {"X-Dev-Org-Id", "nope"}}).status,
      403);
  EXPECT_EQ(serve_
                ->Post("/v1/recommend", ok,
                       {{"X-Dev-User-Id", "u"}, {"X-Dev-Org-Id", "demo"}, {"X-Org-Id", "other"}})
                .status,
            403);
  EXPECT_EQ(serve_->Post("/v1/recommend", ok, {}).status, 401);
  EXPECT_EQ(
      serve_
          ->Post("/v1/recommend", ok,
                 {{"X-Dev-User-Id", "u"}, {"X-Dev-Org-Id", "demo"}, {"Content-Type", "text/plain"}})
          .status,
      400);
  HttpResult big = serve_->Post("/v1/recommend", std::string(2 << 20, ' '));
  EXPECT_EQ(big.status, 413);
  EXPECT_NE(big.body.find("RECSYS_PAYLOAD_TOO_LARGE"), std::string::npos);
  EXPECT_EQ(HttpCall(serve_->port(), "GET", "/healthz").status, 200);  // still alive
}

TEST_F(ServingTest, MetricsCountRequestsAndReportState) {
  ASSERT_EQ(
      serve_->Post("/v1/recommend", R"({"surface": "home", "user": {"user_id": "m"}})").status,
      200);
  HttpResult r = HttpCall(serve_->port(), "GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.headers.find("text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(r.body.find("recsys_http_requests_total{method=\"POST\",route=\"/v1/recommend\","
                        "status=\"200\"}"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("recsys_http_requests_in_flight "), std::string::npos);
  EXPECT_NE(r.body.find("recsys_snapshot_age_seconds{tenant=\"demo\"} "), std::string::npos);
  EXPECT_NE(r.body.find("recsys_state_loads_total{outcome=\"ok\"} "), std::string::npos);
  EXPECT_NE(r.body.find("recsys_signal_builds_total{outcome=\"failed\"} "), std::string::npos);
  EXPECT_NE(r.body.find("recsys_exposure_queue_rows "), std::string::npos);
  EXPECT_NE(r.body.find("recsys_snapshot_items 300\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("recsys_tenants 1\n"), std::string::npos);
  EXPECT_NE(r.body.find("recsys_exposure_enqueued_total"), std::string::npos);
}

TEST_F(ServingTest, ValidateNormalizesWithoutRanking) {
  HttpResult r =
      serve_->Post("/v1/recommend/validate", R"({"surface": "home", "user": {"user_id": "u"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = testing::ParseJson(r.body);
  EXPECT_EQ(doc["normalized_request"]["k"].GetInt(), 20);
  EXPECT_STREQ(doc["normalized_request"]["segment"].GetString(), "default");
  EXPECT_FALSE(doc.HasMember("items"));
  EXPECT_TRUE(doc["warnings"].IsArray());
  EXPECT_EQ(serve_->Post("/v1/recommend/validate", R"({"surface": "home"})").status, 422);
}

TEST_F(ServingTest, SimilarNeverReturnsTheItemAndWarnsOnUnknown) {
  HttpResult r =
      serve_->Post("/v1/similar", R"({"surface": "pdp", "item_id": "item-0001", "k": 10})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = testing::ParseJson(r.body);
  ASSERT_GT(doc["items"].Size(), 0u);
  for (const auto& item : doc["items"].GetArray())
    EXPECT_STRNE(item["item_id"].GetString(), "item-0001");
  r = serve_->Post("/v1/similar", R"({"surface": "pdp", "item_id": "no-such-item"})");
  ASSERT_EQ(r.status, 200);
  doc = testing::ParseJson(r.body);
  EXPECT_EQ(doc["items"].Size(), 0u);
  EXPECT_GT(doc["warnings"].Size(), 0u);
}

TEST_F(ServingTest, ExposureRowsAreWrittenWithHashedUsers) {
  const std::string request_id = "00000000-0000-4000-8000-00000000abcd";
  HttpResult r =
      HttpCall(serve_->port(), "POST", "/v1/recommend",
               {{"X-Dev-User-Id", "u"}, {"X-Dev-Org-Id", "demo"}, {"X-Request-Id", request_id}},
               R"({"surface": "home", "k": 3, "user": {"user_id": "raw-user-42"}})");
  ASSERT_EQ(r.status, 200);
  store::PgConnection conn = db_->Connect();
  const std::string where = " FROM exposure_events WHERE request_id = '" + request_id + "'";
  ASSERT_TRUE(
      WaitFor([&] { return testing::QueryOne(conn, "SELECT count(*)" + where) == "1"; }, 5s));
  EXPECT_EQ(testing::QueryOne(conn, "SELECT length(user_key)" + where), "32");
  EXPECT_EQ(
      testing::QueryOne(
          conn, "SELECT count(*)" + where +
                    " AND (request::text LIKE '%raw-user-42%' OR "
                    "response::text LIKE '%raw-user-42%' OR meta::text LIKE '%raw-user-42%')"),
      "0");
  // The row keeps the served ids in order and their scores, not the whole body again.
  rapidjson::Document body;
  body.Parse(r.body.c_str());
  std::string served_ids;
  for (const auto& item : body["items"].GetArray()) {
    served_ids += served_ids.empty() ? "[\"" : ", \"";
    served_ids += item["item_id"].GetString();
    served_ids += '"';
  }
  served_ids += ']';
  EXPECT_EQ(testing::QueryOne(conn, "SELECT (response->'items')::jsonb" + where), served_ids);
  EXPECT_EQ(testing::QueryOne(conn, "SELECT json_array_length(response->'scores')" + where), "3");
  EXPECT_EQ(testing::QueryOne(conn, "SELECT response->'meta' IS NOT NULL" + where), "f");
  // Its meta holds what its columns do not: the ranking's counts and timings.
  EXPECT_EQ(testing::QueryOne(conn,
                              "SELECT string_agg(k, ',' ORDER BY k) FROM "
                              "(SELECT json_object_keys(meta) AS k" +
                                  where + ") keys"),
            "counts,timings_us");
  EXPECT_EQ(testing::QueryOne(conn, "SELECT (meta->'counts'->>'returned')::int" + where), "3");
  EXPECT_EQ(
      testing::QueryOne(conn, "SELECT config_etag IS NOT NULL AND rules_etag IS NOT NULL" + where),
      "t");
}

TEST_F(ServingTest, RulesChangedInTheTablesTakeEffectAfterARefresh) {
  store::PgConnection conn = db_->Connect();
  ASSERT_TRUE(conn.Exec(R"sql(
    WITH t AS (SELECT id FROM tenants WHERE external_id = 'demo'),
    v AS (INSERT INTO tenant_rule_versions (tenant_id, rules, created_by_sub)
          SELECT id, '[{"id": "pin-tail", "action": "pin", "target_type": "item",
                        "item_ids": ["item-0299", "item-0298"]}]', 'test' FROM t
          RETURNING id, tenant_id)
    UPDATE tenant_rules_current c SET rules_version_id = v.id, updated_by_sub = 'test'
      FROM v WHERE c.tenant_id = v.tenant_id)sql")
                  .ok());
  const std::string body = R"({"surface": "home", "k": 4, "user": {"user_id": "u"},
                               "options": {"include_reasons": true}})";
  ASSERT_TRUE(WaitFor(
      [&] {
        auto doc = testing::ParseJson(serve_->Post("/v1/recommend", body).body);
        return doc["items"].Size() == 4 &&
               std::string(doc["items"][0]["item_id"].GetString()) == "item-0299";
      },
      10s));
  auto doc = testing::ParseJson(serve_->Post("/v1/recommend", body).body);
  EXPECT_STREQ(doc["items"][1]["item_id"].GetString(), "item-0298");
  // The pinned item was not a candidate; it is scored like any other, and marked as pinned.
  const auto& reasons = doc["items"][0]["reasons"];
  EXPECT_STREQ(reasons[reasons.Size() - 1].GetString(), "rule.pin");
  EXPECT_EQ(
      std::string(doc["meta"]["rules_version"].GetString()),
      testing::QueryOne(conn,
                        "SELECT v.etag FROM tenant_rules_current c JOIN tenant_rule_versions v "
                        "ON v.id = c.rules_version_id"));

  // A config change in the tables too: limits.max_k drops to 3.
  ASSERT_TRUE(conn.Exec(R"sql(
    WITH t AS (SELECT id FROM tenants WHERE external_id = 'demo'),
    v AS (INSERT INTO tenant_config_versions (tenant_id, config, created_by_sub)
          SELECT id, '{"limits": {"max_k": 3}}', 'test' FROM t RETURNING id, tenant_id)
    UPDATE tenant_configs_current c SET config_version_id = v.id, updated_by_sub = 'test'
      FROM v WHERE c.tenant_id = v.tenant_id)sql")
                  .ok());
  EXPECT_TRUE(WaitFor([&] { return serve_->Post("/v1/recommend", body).status == 422; }, 10s));
}

// Counts access-log lines of `serve` runs that answer `requests` health checks.
int AccessLogLines(const std::string& database_url, const std::string& one_in, int requests) {
  const std::string log_path = ::testing::TempDir() + "access-log-" + one_in + ".log";
  {
    Serve serve(database_url, {{"RECSYS_LOG_LEVEL", "info"}, {"RECSYS_ACCESS_LOG_ONE_IN", one_in}},
                /*wait_ready=*/true, log_path);
    for (int i = 0; i < requests; ++i)
      EXPECT_EQ(HttpCall(serve.port(), "GET", "/healthz").status, 200);
    EXPECT_EQ(serve.Terminate(), 0);  // the batched log is written before exit
  }
  std::ifstream log(log_path);
  int lines = 0;
  for (std::string line; std::getline(log, line);) {
    if (line.find(R"("msg":"request")") != std::string::npos &&
        line.find(R"("path":"/healthz")") != std::string::npos) {
      ++lines;
    }
  }
  return lines;
}

TEST_F(ServingTest, TheAccessLogHasEveryRequestByDefaultOrOneInN) {
  EXPECT_EQ(AccessLogLines(db_->url(), "1", 12), 12);
  EXPECT_EQ(AccessLogLines(db_->url(), "4", 12), 3);
  EXPECT_EQ(AccessLogLines(db_->url(), "0", 12), 0);
}

TEST(ServingReloadTest, SighupReloadsAtOnce) {
  auto db = testing::SeededDemoDatabase("sighup");
  ASSERT_NE(db, nullptr);
  store::PgConnection conn = db->Connect();
  Serve serve(db->url(), {{"RECSYS_REFRESH_INTERVAL_MS", "3600000"}});
  ASSERT_TRUE(conn.Exec("UPDATE tenants SET status = 'suspended' WHERE external_id = 'demo'").ok());
  const std::string body = R"({"surface": "home", "user": {"user_id": "u"}})";
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(serve.Post("/v1/recommend", body).status, 200);  // hourly refresh: not seen yet
  serve.Signal(SIGHUP);
  EXPECT_TRUE(WaitFor([&] { return serve.Post("/v1/recommend", body).status == 403; }, 5s));
}

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(ServingRestartTest, ARestartServesTheSavedSnapshotsThenReloadsThemFromTheDatabase) {
  auto db = testing::SeededDemoDatabase("warm_start");
  ASSERT_NE(db, nullptr);
  store::PgConnection conn = db->Connect();
  const std::string dir = ::testing::TempDir() + "warm-start-" + std::to_string(getpid());
  const std::string log_path = dir + ".log";
  const std::map<std::string, std::string> env = {{"RECSYS_WARM_START_DIR", dir},
                                                  {"RECSYS_LOG_LEVEL", "info"}};
  const std::string body = R"({"surface": "home", "k": 1, "user": {"user_id": "u"}})";
  std::string top;
  {
    Serve serve(db->url(), env, /*wait_ready=*/true, log_path);
    HttpResult r = serve.Post("/v1/recommend", body);
    ASSERT_EQ(r.status, 200) << r.body;
    top = testing::ParseJson(r.body)["items"][0]["item_id"].GetString();
    ASSERT_EQ(serve.Terminate(), 0);
  }
  EXPECT_NE(ReadWhole(log_path).find(R"("msg":"snapshots saved for a warm start")"),
            std::string::npos);
  const std::string tenant_id =
      testing::QueryOne(conn, "SELECT id FROM tenants WHERE external_id = 'demo'");
  ASSERT_TRUE(std::filesystem::exists(dir + "/" + tenant_id + ".snapshot"));

  // While the service is down the top item loses its popularity: the restart starts with the
  // saved snapshots, then reloads the tenant from the database at once.
  ASSERT_TRUE(conn.Exec("DELETE FROM item_popularity_daily WHERE item_id = '" + top + "'").ok());
  Serve serve(db->url(), env, /*wait_ready=*/true, log_path);
  EXPECT_TRUE(WaitFor(
      [&] {
        HttpResult r = serve.Post("/v1/recommend", body);
        return r.status == 200 && testing::ParseJson(r.body)["items"][0]["item_id"] != top.c_str();
      },
      5s));
  // Once reloaded, no tenant is left on warm-start snapshots.
  EXPECT_TRUE(WaitFor(
      [&] {
        return HttpCall(serve.port(), "GET", "/metrics")
                   .body.find("recsys_tenants_warm_started 0") != std::string::npos;
      },
      5s));
  ASSERT_EQ(serve.Terminate(), 0);
  const std::string log = ReadWhole(log_path);
  EXPECT_NE(
      log.find(
          R"("msg":"warm start: serving saved snapshots until reloaded","tenants":1,"cold":0)"),
      std::string::npos)
      << log;
  std::filesystem::remove_all(dir);
}

TEST(ServingRestartTest, ANewInstanceServesTheSnapshotsAnotherInstanceStored) {
  auto db = testing::SeededDemoDatabase("shared_snapshots_serve");
  ASSERT_NE(db, nullptr);
  store::PgConnection conn = db->Connect();
  const std::map<std::string, std::string> env = {{"RECSYS_WARM_START_ENABLED", "false"},
                                                  {"RECSYS_SHARED_SNAPSHOT_MIN_MB", "0"}};
  const std::string body = R"({"surface": "home", "k": 1, "user": {"user_id": "u"}})";
  const auto top_item = [&](Serve& serve) {
    HttpResult r = serve.Post("/v1/recommend", body);
    return r.status == 200 ? testing::ParseJson(r.body)["items"][0]["item_id"].GetString()
                           : std::string();
  };
  const auto from_shared = [&](Serve& serve, int tenants) {
    return HttpCall(serve.port(), "GET", "/metrics")
               .body.find("recsys_tenants_from_shared_snapshot " + std::to_string(tenants)) !=
           std::string::npos;
  };
  std::string top;
  {
    Serve first(db->url(), env);
    top = top_item(first);
    ASSERT_FALSE(top.empty());
    EXPECT_TRUE(from_shared(first, 0));
    EXPECT_TRUE(WaitFor(
        [&] { return testing::QueryOne(conn, "SELECT count(*) FROM tenant_snapshots") == "1"; },
        5s));
    ASSERT_EQ(first.Terminate(), 0);
  }
  // The top item's rows go without an announcement: a new instance serves what was stored.
  ASSERT_TRUE(conn.Exec("DELETE FROM item_popularity_daily WHERE item_id = '" + top + "'").ok());
  Serve second(db->url(), env);
  EXPECT_TRUE(from_shared(second, 1));
  EXPECT_EQ(top_item(second), top);
  // Announced, the signals' version moves on and the tenant reloads from its rows.
  ASSERT_TRUE(store::SendChangeNotice(conn, {"demo", store::ChangeScope::kSignals}).ok());
  EXPECT_TRUE(WaitFor([&] { return from_shared(second, 0) && top_item(second) != top; }, 5s));
  ASSERT_EQ(second.Terminate(), 0);
}

TEST(ServingResilienceTest, KeepsAnsweringWhenTheDatabaseStops) {
  testing::PrivateCluster cluster;
  {
    std::string out;
    ASSERT_EQ(testing::RunShell("DATABASE_URL='" + cluster.AdminUrl() + "' " + RECSYS_BINARY +
                                    " migrate up && DATABASE_URL='" + cluster.AdminUrl() + "' " +
                                    RECSYS_BINARY + " demo seed",
                                &out),
              0)
        << out;
  }
  Serve serve(cluster.AdminUrl());
  const std::string body = R"({"surface": "home", "k": 5, "user": {"user_id": "u"}})";
  ASSERT_EQ(serve.Post("/v1/recommend", body).status, 200);
  cluster.Stop();
  ASSERT_TRUE(WaitFor([&] { return HttpCall(serve.port(), "GET", "/readyz").status == 503; }, 10s));
  for (int i = 0; i < 20; ++i) {
    HttpResult r = serve.Post("/v1/recommend", body);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(testing::ParseJson(r.body)["items"].Size(), 5u);
    std::this_thread::sleep_for(20ms);  // spans several failed refreshes
  }
  cluster.Start();
  EXPECT_TRUE(WaitFor([&] { return HttpCall(serve.port(), "GET", "/readyz").status == 200; }, 15s));
}

TEST(ServingResilienceTest, SigtermUnderLoadLosesNoExposureRow) {
  auto db = testing::SeededDemoDatabase("sigterm");
  ASSERT_NE(db, nullptr);
  Serve serve(db->url());
  std::atomic<int> ok{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      while (!stop) {
        HttpResult r = serve.Post("/v1/recommend",
                                  R"({"surface": "home", "k": 10, "user": {"user_id": "u"}})");
        if (r.status == 200) ++ok;
        if (r.status == 0) break;  // the server is gone
      }
    });
  }
  std::this_thread::sleep_for(700ms);
  EXPECT_EQ(serve.Terminate(), 0);
  stop = true;
  for (auto& c : clients) c.join();
  ASSERT_GT(ok.load(), 50);
  store::PgConnection conn = db->Connect();
  EXPECT_EQ(testing::QueryOne(conn, "SELECT count(*) FROM exposure_events"),
            std::to_string(ok.load()));
}

// What is left to read on `fd` until the peer closes it or `timeout` passes.
std::string ReadUntilClosed(int fd) {
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
  return got;
}

TEST(ServingResilienceTest, SigtermFinishesRequestsInFlightAndRefusesNewOnes) {
  auto db = testing::SeededDemoDatabase("graceful");
  ASSERT_NE(db, nullptr);
  Serve serve(db->url());
  const std::string body = R"({"surface": "home", "k": 3, "user": {"user_id": "u"}})";
  const std::string head =
      "POST /v1/recommend HTTP/1.1\r\nHost: x\r\nX-Dev-User-Id: u\r\nX-Dev-Org-Id: demo\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n";
  const int in_flight = testing::ConnectTcp(serve.port());
  const int idle = testing::ConnectTcp(serve.port());
  ASSERT_GE(in_flight, 0);
  ASSERT_GE(idle, 0);
  const std::string first_half = head + body.substr(0, 10);
  ASSERT_EQ(write(in_flight, first_half.data(), first_half.size()),
            static_cast<ssize_t>(first_half.size()));
  std::this_thread::sleep_for(200ms);  // both connections accepted, the request half read

  const auto stopped_at = std::chrono::steady_clock::now();
  auto exit_code = std::async(std::launch::async, [&serve] { return serve.Terminate(); });
  EXPECT_EQ(ReadUntilClosed(idle), "") << "an idle keep-alive connection is closed at once";
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, 3s);
  close(idle);
  EXPECT_EQ(HttpCall(serve.port(), "GET", "/healthz").status, 0) << "new connections refused";

  const std::string rest = body.substr(10);
  ASSERT_EQ(write(in_flight, rest.data(), rest.size()), static_cast<ssize_t>(rest.size()));
  const std::string answer = ReadUntilClosed(in_flight);
  close(in_flight);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  EXPECT_EQ(exit_code.get(), 0);
  store::PgConnection conn = db->Connect();
  EXPECT_EQ(testing::QueryOne(conn, "SELECT count(*) FROM exposure_events"), "1")
      << "the request answered during the drain was logged before exit";
}

TEST(ServingResilienceTest, ShutdownGiveUpOnAStalledRequestAfterTheGracePeriod) {
  auto db = testing::SeededDemoDatabase("grace_deadline");
  ASSERT_NE(db, nullptr);
  Serve serve(db->url(), {{"RECSYS_SHUTDOWN_GRACE_MS", "500"}});
  const int stalled = testing::ConnectTcp(serve.port());
  ASSERT_GE(stalled, 0);
  const std::string partial =
      "POST /v1/recommend HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{";
  ASSERT_EQ(write(stalled, partial.data(), partial.size()), static_cast<ssize_t>(partial.size()));
  std::this_thread::sleep_for(200ms);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(serve.Terminate(), 0);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, 400ms);
  EXPECT_LT(took, 5s);
  close(stalled);
}

}  // namespace
}  // namespace recsys
