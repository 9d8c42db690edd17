// Signal versions end to end (docs/signal-versions.md): `signals build` keeps each build as a
// version; a rollback through one instance's admin API reaches another instance within a second
// and outlives a new build (doctor warns); `signals unpin` returns to the newest; and what cannot
// be pinned is refused, through HTTP and the CLI.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/time.h"
#include "core/uuid.h"
#include "store/pg.h"
#include "testing/serve_process.h"
#include "testing/test_db.h"

namespace recsys {
namespace {

using namespace std::chrono_literals;
using testing::HttpCall;
using testing::HttpResult;
using testing::QueryOne;
using testing::ServeProcess;
using testing::WaitFor;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kBotItem = "item-0299";

Headers Dev(const std::string& tenant = "demo") {
  return {{"X-Dev-User-Id", "ops"}, {"X-Dev-Org-Id", tenant}, {"Content-Type", "application/json"}};
}

class SignalVersionsProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::SeededDemoDatabase("signal_versions_cli");
    ASSERT_NE(db_, nullptr);
    conn_.emplace(db_->Connect());
    // One day of the demo's popularity: a few hundred events outweigh it.
    ASSERT_TRUE(
        conn_->Exec("DELETE FROM item_popularity_daily WHERE day <> current_date - 5").ok());
    dir_ = "/tmp/recsys-signal-versions-" + NewUuidV4();
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The CLI with serve's settings: bases hold today (no live layers), as the instances load.
  int Cli(const std::string& args, std::string* out, const std::string& env = "") {
    return testing::RunRecsys(db_->url(), args, out, "RECSYS_LIVE_SIGNALS_ENABLED=false " + env);
  }

  // Imports `count` events of today: `type` of `item`, each by its own user.
  void ImportToday(const std::string& name, int count, const std::string& type,
                   const std::string& item) {
    const std::string at = FormatRfc3339(NowUs() - 60 * 1000000LL);
    {
      std::ofstream file(dir_ + "/" + name + ".jsonl");
      for (int i = 0; i < count; ++i) {
        file << R"({"event_id": ")" << name << "-" << i << R"(", "occurred_at": ")" << at
             << R"(", "user_id": ")" << name << "-" << i << R"(", "event_type": ")" << type
             << R"(", "item_id": ")" << item << "\"}\n";
      }
    }
    std::string out;
    ASSERT_EQ(Cli("import events --tenant demo " + dir_ + "/" + name + ".jsonl", &out), 0) << out;
  }

  // Builds the demo's signals; the build keeps a version.
  void Build(const std::string& env = "") {
    std::string out;
    ASSERT_EQ(Cli("signals build --tenant demo", &out, env), 0) << out;
    EXPECT_NE(out.find("kept 1 signal version(s)"), std::string::npos) << out;
  }

  static std::string Top(const ServeProcess& serve) {
    HttpResult r = HttpCall(serve.port(), "POST", "/v1/recommend", Dev(),
                            R"({"surface": "default", "k": 1, "user": {"user_id": "u"}})");
    if (r.status != 200) return "status " + std::to_string(r.status);
    return testing::ParseJson(r.body)["items"][0]["item_id"].GetString();
  }

  static HttpResult Admin(const ServeProcess& serve, const std::string& method,
                          const std::string& path, const std::string& body = "",
                          const std::string& tenant = "demo") {
    return HttpCall(serve.port(), method, "/v1/admin/tenants/" + tenant + "/signals/" + path,
                    Dev(tenant), body);
  }

  const std::map<std::string, std::string> env_ = {{"RECSYS_SIGNAL_BUILD_ENABLED", "false"},
                                                   {"RECSYS_LIVE_SIGNALS_ENABLED", "false"},
                                                   {"RECSYS_WARM_START_ENABLED", "false"}};
  std::unique_ptr<testing::TestDatabase> db_;
  std::optional<store::PgConnection> conn_;
  std::string dir_;
};

TEST_F(SignalVersionsProcessTest, ARollbackReachesEveryInstanceWithinASecondAndOutlivesNewBuilds) {
  ImportToday("good", 1, "view", "item-0150");
  Build();
  ServeProcess a(db_->url(), env_), b(db_->url(), env_);
  const std::string good = Top(a);
  ASSERT_EQ(good.rfind("item-", 0), 0u) << good;
  ASSERT_NE(good, kBotItem);
  EXPECT_EQ(Top(b), good);

  // A bot's purchases, built: both instances serve them.
  ImportToday("bot", 400, "purchase", kBotItem);
  Build();
  ASSERT_TRUE(WaitFor([&] { return Top(a) == kBotItem && Top(b) == kBotItem; }, 5s));

  // Rolled back through a; b follows within a second.
  const auto asked = std::chrono::steady_clock::now();
  HttpResult pinned = Admin(a, "POST", "rollback", R"({"version": 1})");
  ASSERT_EQ(pinned.status, 200) << pinned.body;
  const rapidjson::Document pin = testing::ParseJson(pinned.body);
  EXPECT_EQ(pin["pinned"]["version"].GetInt64(), 1);
  EXPECT_EQ(pin["pinned"]["newer_versions"].GetInt64(), 1);
  EXPECT_STREQ(pin["pinned"]["pinned_by"].GetString(), "ops");
  ASSERT_TRUE(WaitFor([&] { return Top(b) == good; }, 3s));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - asked);
  std::printf("rollback served by the other instance after %lld ms\n",
              static_cast<long long>(took.count()));
  EXPECT_LT(took, 1000ms);
  EXPECT_EQ(Top(a), good);
  EXPECT_NE(HttpCall(b.port(), "GET", "/metrics").body.find("recsys_tenants_signals_pinned 1"),
            std::string::npos);

  // A new build lands: kept, listed, not served; doctor warns.
  ImportToday("later", 1, "view", "item-0150");
  Build();
  std::this_thread::sleep_for(1500ms);  // time for the build's notice to reload both
  EXPECT_EQ(Top(a), good);
  EXPECT_EQ(Top(b), good);
  HttpResult listed = Admin(b, "GET", "versions");
  ASSERT_EQ(listed.status, 200) << listed.body;
  const rapidjson::Document versions = testing::ParseJson(listed.body);
  EXPECT_EQ(versions["pinned"]["version"].GetInt64(), 1);
  EXPECT_EQ(versions["pinned"]["newer_versions"].GetInt64(), 2);
  ASSERT_EQ(versions["versions"].Size(), 3u);
  EXPECT_EQ(versions["versions"][0]["version"].GetInt64(), 3);
  EXPECT_FALSE(versions["versions"][0]["pinned"].GetBool());
  EXPECT_TRUE(versions["versions"][2]["pinned"].GetBool());
  EXPECT_EQ(versions["versions"][1]["events"].GetInt64(),
            401);  // the bot's build: every event of today
  EXPECT_STREQ(versions["versions"][1]["trigger"].GetString(), "cli");
  std::string doctor;
  Cli("doctor --tenant demo", &doctor);
  EXPECT_NE(doctor.find("pinned to version 1"), std::string::npos) << doctor;
  EXPECT_NE(doctor.find("2 newer build(s)"), std::string::npos) << doctor;
  HttpResult overview = HttpCall(b.port(), "GET", "/v1/admin/tenants/demo/overview", Dev());
  EXPECT_NE(overview.body.find("pinned to version 1"), std::string::npos) << overview.body;

  // Unpinned from the CLI: both serve the newest build again.
  std::string out;
  ASSERT_EQ(Cli("signals unpin --tenant demo", &out), 0) << out;
  EXPECT_NE(out.find("unpinned"), std::string::npos) << out;
  EXPECT_TRUE(WaitFor([&] { return Top(a) == kBotItem && Top(b) == kBotItem; }, 2s));
  EXPECT_EQ(QueryOne(*conn_,
                     "SELECT string_agg(action || ' by ' || actor_sub, ', ' ORDER BY id) FROM "
                     "audit_log WHERE action LIKE 'signals.%'"),
            "signals.rollback by ops, signals.unpin by " +
                QueryOne(*conn_,
                         "SELECT max(actor_sub) FROM audit_log WHERE action = "
                         "'signals.unpin'"));
  EXPECT_EQ(QueryOne(*conn_,
                     "SELECT max(actor_sub) LIKE 'cli:%' FROM audit_log WHERE action = "
                     "'signals.unpin'"),
            "t");
}

TEST_F(SignalVersionsProcessTest, WhatCannotBePinnedIsRefusedAndThePinnedVersionIsNeverPruned) {
  const std::string keep_one = "RECSYS_SIGNAL_VERSIONS_KEEP=1";
  ImportToday("first", 1, "view", "item-0150");
  Build(keep_one);
  ImportToday("second", 1, "view", "item-0151");
  Build(keep_one);  // version 1 is pruned
  ServeProcess serve(db_->url(), env_);

  for (const char* body : {R"({"version": 1})", R"({"version": 7})"}) {
    HttpResult missing = Admin(serve, "POST", "rollback", body);
    EXPECT_EQ(missing.status, 404) << missing.body;
    EXPECT_NE(missing.body.find("RECSYS_NOT_FOUND"), std::string::npos) << missing.body;
    EXPECT_NE(missing.body.find("pruned or never built"), std::string::npos) << missing.body;
  }
  EXPECT_EQ(Admin(serve, "POST", "rollback", R"({"version": "2"})").status, 422);
  EXPECT_EQ(Admin(serve, "POST", "rollback", "{").status, 400);
  // An unknown tenant is the same refusal as one the caller may not address (api.md).
  EXPECT_EQ(Admin(serve, "POST", "rollback", R"({"version": 2})", "nobody").status, 403);
  EXPECT_EQ(Admin(serve, "POST", "unpin", "", "nobody").status, 403);
  EXPECT_EQ(Admin(serve, "GET", "versions", "", "nobody").status, 403);

  std::string out;
  EXPECT_EQ(Cli("signals rollback --tenant demo 1", &out), 2);
  EXPECT_NE(out.find("no signal version 1 is kept"), std::string::npos) << out;
  EXPECT_EQ(Cli("signals rollback --tenant nobody 2", &out), 2);
  EXPECT_NE(out.find("no tenant nobody"), std::string::npos) << out;
  EXPECT_EQ(Cli("signals rollback --tenant demo two", &out), 2);
  EXPECT_EQ(Cli("signals versions --tenant nobody", &out), 2);
  EXPECT_EQ(QueryOne(*conn_, "SELECT count(*) FROM audit_log WHERE action LIKE 'signals.%'"), "0");

  // Pinned, version 2 outlives a retention of one.
  ASSERT_EQ(Cli("signals rollback --tenant demo 2", &out), 0) << out;
  ImportToday("third", 1, "view", "item-0152");
  Build(keep_one);
  ASSERT_EQ(Cli("signals versions --tenant demo", &out), 0) << out;
  EXPECT_NE(out.find("pinned to signal version 2"), std::string::npos) << out;
  EXPECT_NE(out.find("\n3 "), std::string::npos) << out;
  EXPECT_NE(out.find("\n2* "), std::string::npos) << out;
  EXPECT_EQ(QueryOne(*conn_,
                     "SELECT string_agg(version::text, ',' ORDER BY version) FROM "
                     "tenant_signal_builds"),
            "2,3");
  EXPECT_TRUE(WaitFor(
      [&] {
        return HttpCall(serve.port(), "GET", "/metrics")
                   .body.find("recsys_tenants_signals_pinned 1") != std::string::npos;
      },
      2s));
}

TEST_F(SignalVersionsProcessTest, ServesOwnScheduleKeepsAVersionOfEachBuildItAnnounces) {
  ServeProcess serve(db_->url(), {{"RECSYS_SIGNAL_BUILD_INTERVAL_MS", "200"},
                                  {"RECSYS_LIVE_SIGNALS_ENABLED", "false"},
                                  {"RECSYS_WARM_START_ENABLED", "false"}});
  ImportToday("scheduled", 3, "view", "item-0150");
  EXPECT_TRUE(WaitFor(
      [&] { return QueryOne(*conn_, "SELECT count(*) FROM tenant_signal_builds") == "1"; }, 5s));
  EXPECT_EQ(QueryOne(*conn_,
                     "SELECT trigger || ' ' || events || ' ' || (built_by LIKE '%:%') "
                     "FROM tenant_signal_builds"),
            "schedule 3 true");
}

}  // namespace
}  // namespace recsys
