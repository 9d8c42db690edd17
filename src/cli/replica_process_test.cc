// Two `serve` instances on a primary, a hot standby and a PgBouncer in transaction mode, all real
// servers (testing/replicated_cluster.h): reads on the standby, writes through the pooler, LISTEN
// direct; no stale reload while replay is paused; the standby or the primary stopping.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "store/pg.h"
#include "testing/http_client.h"
#include "testing/replicated_cluster.h"
#include "testing/serve_process.h"
#include "testing/test_db.h"

namespace recsys {
namespace {

using namespace std::chrono_literals;
using testing::HttpCall, testing::HttpResult, testing::WaitFor;

const std::vector<std::pair<std::string, std::string>> kDemoAdmin = {
    {"X-Dev-User-Id", "alice"}, {"X-Dev-Org-Id", "demo"}, {"Content-Type", "application/json"}};
const std::string kRecommend = R"({"surface": "home", "k": 3, "user": {"user_id": "u"}})";

class ReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cluster_.ok());
    std::string out;
    const std::string env = "DATABASE_URL='" + cluster_.PrimaryUrl() + "' ";
    ASSERT_EQ(
        testing::RunShell(
            env + RECSYS_BINARY + " migrate up && " + env + RECSYS_BINARY + " demo seed", &out),
        0)
        << out;
    ASSERT_TRUE(cluster_.WaitCaughtUp());
    a_ = Start("a");
    b_ = Start("b");
  }

  void TearDown() override {
    a_.reset();
    b_.reset();
    for (const auto& [name, log] : log_paths_) {
      testing::RunShell("rm -rf " + log + " " + log.substr(0, log.size() - 4) + "-spill");
    }
  }

  // An instance writing through the pooler, reading the standby, listening on the primary.
  std::unique_ptr<testing::ServeProcess> Start(const std::string& name) {
    const std::string dir = "/tmp/recsys-replica-" + std::to_string(getpid()) + "-" + name;
    log_paths_[name] = dir + ".log";
    return std::make_unique<testing::ServeProcess>(
        cluster_.BouncerUrl(),
        std::map<std::string, std::string>{{"RECSYS_DATABASE_READ_URL", cluster_.StandbyUrl()},
                                           {"RECSYS_DATABASE_DIRECT_URL", cluster_.PrimaryUrl()},
                                           {"RECSYS_SPILL_DIR", dir + "-spill"},
                                           {"RECSYS_WARM_START_ENABLED", "false"},
                                           {"RECSYS_SIGNAL_BUILD_INTERVAL_MS", "1000"},
                                           {"RECSYS_LOG_LEVEL", "info"}},
        /*wait_ready=*/true, log_paths_[name]);
  }

  std::string Log(const std::string& name) {
    std::ifstream in(log_paths_[name]);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  static double Metric(const testing::ServeProcess& serve, const std::string& name) {
    const std::string metrics = HttpCall(serve.port(), "GET", "/metrics").body;
    const size_t at = metrics.find("\n" + name + " ");
    return at == std::string::npos ? -1.0 : std::stod(metrics.substr(at + name.size() + 2));
  }

  static std::string Top(testing::ServeProcess& serve) {
    HttpResult r = serve.Post("/v1/recommend", kRecommend);
    if (r.status != 200) return "status " + std::to_string(r.status);
    auto doc = testing::ParseJson(r.body);
    return doc["items"].Size() == 0 ? "" : doc["items"][0]["item_id"].GetString();
  }

  static HttpResult Pin(testing::ServeProcess& serve, const std::string& item) {
    return HttpCall(
        serve.port(), "PUT", "/v1/admin/tenants/demo/rules", kDemoAdmin,
        R"([{"action": "pin", "target_type": "item", "item_ids": [")" + item + R"("]}])");
  }

  std::string Primary(const std::string& sql) {
    auto conn = store::PgConnection::Connect(cluster_.PrimaryUrl());
    return conn.ok() ? testing::QueryOne(conn.value(), sql) : "unreachable";
  }
  std::string Standby(const std::string& sql) {
    auto conn = store::PgConnection::Connect(cluster_.StandbyUrl());
    return conn.ok() ? testing::QueryOne(conn.value(), sql) : "unreachable";
  }

  testing::ReplicatedCluster cluster_;
  std::map<std::string, std::string> log_paths_;
  std::unique_ptr<testing::ServeProcess> a_, b_;
};

TEST_F(ReplicaTest, ReadsGoToTheStandbyWritesThroughThePoolerListenDirect) {
  ASSERT_EQ(Top(*a_).substr(0, 5), "item-");
  ASSERT_EQ(Top(*b_).substr(0, 5), "item-");
  // Each instance's loader and history tail read the standby...
  EXPECT_TRUE(WaitFor(
      [&] {
        return std::stoi(Standby("SELECT count(*) FROM pg_stat_activity WHERE datname = 'recsys' "
                                 "AND application_name = 'recsys-service'")) >= 4;
      },
      5s));
  // ...and each LISTENs on the primary itself.
  EXPECT_EQ(Primary("SELECT count(*) FROM pg_stat_activity WHERE (query LIKE 'LISTEN%' OR "
                    "query LIKE '%wal_insert_lsn%') AND pid <> pg_backend_pid()"),
            "2");
  EXPECT_EQ(Metric(*a_, "recsys_db_standby_up"), 1);

  // Writes through the pooler: exposures, events, admin changes and signal builds.
  const double applied = Metric(*b_, "recsys_history_events_applied_total");
  HttpResult events = a_->Post(
      "/v1/events", R"({"events": [{"event_id": "r-1", "occurred_at": "2026-12-01T10:00:00Z",
                         "user_id": "replica-user", "event_type": "purchase",
                         "item_id": "item-0001"}]})");
  ASSERT_EQ(events.status, 202) << events.body;
  EXPECT_TRUE(WaitFor([&] { return Primary("SELECT count(*) FROM exposure_events") != "0"; }, 5s));
  // The other instance's history tail sees the event on the standby.
  EXPECT_TRUE(
      WaitFor([&] { return Metric(*b_, "recsys_history_events_applied_total") > applied; }, 5s));
  EXPECT_TRUE(WaitFor(
      [&] {
        return Metric(*a_, "recsys_signal_builds_total{outcome=\"ok\"}") +
                   Metric(*b_, "recsys_signal_builds_total{outcome=\"ok\"}") >=
               1;
      },
      10s));
  EXPECT_EQ(Metric(*a_, "recsys_signal_builds_total{outcome=\"failed\"}"), 0);
  EXPECT_EQ(Metric(*b_, "recsys_signal_builds_total{outcome=\"failed\"}"), 0);

  // An admin change through one instance is live on the other within a second.
  ASSERT_EQ(Pin(*a_, "item-0277").status, 200);
  const auto saved = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitFor([&] { return Top(*b_) == "item-0277"; }, 5s));
  EXPECT_LT(std::chrono::steady_clock::now() - saved, 1s);
  EXPECT_GT(Metric(*b_, "recsys_db_consistent_reads_total{server=\"standby\"}"), 0);
}

// doctor reads the standby and reports how far it is behind, warning while replay is paused.
TEST_F(ReplicaTest, DoctorReportsTheReplica) {
  const std::string doctor = "DATABASE_URL='" + cluster_.PrimaryUrl() +
                             "' RECSYS_DATABASE_READ_URL='" + cluster_.StandbyUrl() + "' " +
                             RECSYS_BINARY + " doctor --tenant demo";
  std::string out;
  testing::RunShell(doctor, &out);
  EXPECT_NE(out.find("ok    replica"), std::string::npos) << out;
  EXPECT_NE(out.find("bytes of WAL behind the primary"), std::string::npos) << out;
  cluster_.PauseReplay();
  testing::RunShell(doctor, &out);
  EXPECT_NE(out.find("warn  replica"), std::string::npos) << out;
  EXPECT_NE(out.find("replay is paused"), std::string::npos) << out;
  cluster_.ResumeReplay();
  // Pointed at the primary itself, the read URL is no standby.
  EXPECT_EQ(
      testing::RunShell("DATABASE_URL='" + cluster_.PrimaryUrl() + "' RECSYS_DATABASE_READ_URL='" +
                            cluster_.PrimaryUrl() + "' " + RECSYS_BINARY + " doctor --tenant demo",
                        &out),
      1);
  EXPECT_NE(out.find("not a standby"), std::string::npos) << out;
}

TEST_F(ReplicaTest, PausedReplayServesNoStaleStateAndControlChangesGoLiveThroughThePrimary) {
  ASSERT_NE(Top(*b_), "item-0277");
  cluster_.PauseReplay();
  ASSERT_EQ(Pin(*a_, "item-0277").status, 200);
  const auto saved = std::chrono::steady_clock::now();
  // The console's read pages show the change at once: they read the primary while the standby
  // has not replayed it.
  HttpResult audit =
      HttpCall(a_->port(), "GET", "/v1/admin/tenants/demo/audit?limit=1", kDemoAdmin);
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find("item-0277"), std::string::npos) << audit.body;
  ASSERT_TRUE(WaitFor([&] { return Top(*a_) == "item-0277" && Top(*b_) == "item-0277"; }, 5s));
  EXPECT_LT(std::chrono::steady_clock::now() - saved, 1s);
  // The standby still has the old rules; for the whole 30 s pause (periodic reloads every
  // 200 ms) neither instance goes back to them.
  EXPECT_EQ(Standby("SELECT count(*) FROM tenant_rules_current c JOIN tenant_rule_versions v "
                    "ON v.id = c.rules_version_id WHERE v.rules::text LIKE '%item-0277%'"),
            "0");
  const auto until = saved + 30s;
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_EQ(Top(*a_), "item-0277");
    ASSERT_EQ(Top(*b_), "item-0277");
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_GT(Metric(*b_, "recsys_db_consistent_reads_total{server=\"primary\",reason=\"behind\"}"),
            0);
  EXPECT_TRUE(
      WaitFor([&] { return Log("b").find("standby behind a change") != std::string::npos; }, 2s));
  cluster_.ResumeReplay();
  // Once it has replayed the change, loads go back to the standby.
  const double on_standby = Metric(*b_, "recsys_db_consistent_reads_total{server=\"standby\"}");
  EXPECT_TRUE(WaitFor(
      [&] {
        return Metric(*b_, "recsys_db_consistent_reads_total{server=\"standby\"}") > on_standby;
      },
      5s));
  EXPECT_EQ(Top(*b_), "item-0277");
}

TEST_F(ReplicaTest, ReadsFallBackToThePrimaryWhileTheStandbyIsDownAndReturn) {
  cluster_.StopStandby();
  ASSERT_TRUE(WaitFor([&] { return Metric(*a_, "recsys_db_standby_up") == 0; }, 5s));
  EXPECT_EQ(Metric(*a_, "recsys_db_read_fallbacks_total"), 1);
  EXPECT_TRUE(WaitFor(
      [&] {
        return Log("a").find("standby unreachable; reads go to the primary") != std::string::npos;
      },
      2s));
  // Control changes and the history tail keep working on the primary.
  ASSERT_EQ(Pin(*a_, "item-0277").status, 200);
  EXPECT_TRUE(WaitFor([&] { return Top(*b_) == "item-0277"; }, 3s));
  const double applied = Metric(*b_, "recsys_history_events_applied_total");
  ASSERT_EQ(a_->Post("/v1/events", R"({"events": [{"event_id": "down-1",
                       "occurred_at": "2026-12-01T10:00:00Z", "user_id": "v",
                       "event_type": "click", "item_id": "item-0002"}]})")
                .status,
            202);
  EXPECT_TRUE(
      WaitFor([&] { return Metric(*b_, "recsys_history_events_applied_total") > applied; }, 5s));
  cluster_.StartStandby();
  EXPECT_TRUE(WaitFor([&] { return Metric(*a_, "recsys_db_standby_up") == 1; }, 10s));
  // The log is written by a thread of its own: give it a moment.
  EXPECT_TRUE(
      WaitFor([&] { return Log("a").find("standby answers again") != std::string::npos; }, 2s));
  EXPECT_TRUE(WaitFor(
      [&] {
        return std::stoi(Standby("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                 "'recsys' AND application_name = 'recsys-service'")) >= 2;
      },
      10s));
}

TEST_F(ReplicaTest, ServingContinuesWhileThePrimaryIsDown) {
  const std::string top = Top(*a_);
  ASSERT_EQ(top.substr(0, 5), "item-");
  cluster_.StopPrimary();
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(Top(*a_), top);
    ASSERT_EQ(Top(*b_).substr(0, 5), "item-");
    std::this_thread::sleep_for(50ms);
  }
  cluster_.StartPrimary();
  // Every exposure of the outage (1 + 20 on a, 20 on b) reaches the primary once it is back
  // (spilled meanwhile).
  EXPECT_TRUE(
      WaitFor([&] { return Primary("SELECT count(*) FROM exposure_events") == "41"; }, 30s));
}

}  // namespace
}  // namespace recsys
