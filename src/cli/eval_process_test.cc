// Evaluation end to end (issue 11): `eval offline` on the synthetic shop ranks configs in the
// planted order; `eval experiment` finds a planted lift in exposures and interactions written to
// the real tables, refuses a verdict when interactions do not join; both store their reports.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/tenant_config.h"
#include "core/time.h"
#include "core/uuid.h"
#include "store/admin_repository.h"
#include "testing/http_client.h"
#include "testing/serve_process.h"
#include "testing/shop_generator.h"
#include "testing/shop_import.h"
#include "testing/test_db.h"

namespace recsys {
namespace {

using testing::QueryOne;

constexpr int64_t kDayUs = 86400LL * 1000000;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class EvalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("eval");
    ASSERT_NE(db_, nullptr);
    dir_ = "/tmp/recsys-eval-" + NewUuidV4();
    ASSERT_TRUE(std::filesystem::create_directories(dir_));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs the CLI; returns its exit code, stdout and stderr in *out.
  int Cli(const std::string& args, std::string* out = nullptr) {
    return testing::RunRecsys(db_->url(), args, out, testing::kUserKeySecret);
  }

  // Tenant "shop" with the synthetic shop's catalog and its 14 days of events, imported with the
  // CLI; the generated data (with `heldout_days` held back, not imported) is returned.
  testing::ShopData ImportShop(int users, int heldout_days) {
    testing::ShopOptions options;
    options.users = users;
    options.days = 14;
    options.heldout_days = heldout_days;
    options.now = NowUs();
    testing::ShopData shop = testing::GenerateShop(options);
    EXPECT_TRUE(testing::ImportShop(db_->url(), "shop", shop, dir_));
    return shop;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::string dir_;
};

TEST_F(EvalTest, OfflineReplayRanksHistoryAndCoVisitationAbovePopularity) {
  // Every day is in the log; the split holds the last ones back.
  ImportShop(600, /*heldout_days=*/0);
  std::ofstream(dir_ + "/blend.json") << R"({"weights": {"pop": 0.1, "hist": 1, "cooc": 1}})";

  const std::string split = FormatRfc3339(NowUs() - 2 * kDayUs).substr(0, 10);
  std::string out;
  ASSERT_EQ(Cli("eval offline --tenant shop --split-date " + split + " --k 10 --resamples 200 " +
                    "--config " + dir_ + "/blend.json --out " + dir_ + "/offline",
                &out),
            0)
      << out;
  for (const char* file :
       {"report.json", "report.md", "report.html", "recall_at_k.svg", "metrics.svg"}) {
    EXPECT_TRUE(std::filesystem::exists(dir_ + "/offline/" + file)) << file;
  }
  const rapidjson::Document report = testing::ParseJson(ReadFile(dir_ + "/offline/report.json"));
  ASSERT_TRUE(report.IsObject()) << out;
  EXPECT_STREQ(report["split_date"].GetString(), split.c_str());
  EXPECT_GT(report["users"].GetInt64(), 300);
  const auto& configs = report["configs"];
  ASSERT_EQ(configs.Size(), 3u);
  EXPECT_STREQ(configs[1]["name"].GetString(), "popularity");
  EXPECT_STREQ(configs[2]["name"].GetString(), "blend.json");
  auto recall = [&](int i) { return configs[i]["metrics"]["recall"]["value"].GetDouble(); };
  auto ndcg = [&](int i) { return configs[i]["metrics"]["ndcg"]["value"].GetDouble(); };
  std::printf("recall@10: current %.3f, popularity %.3f, blend %.3f\n", recall(0), recall(1),
              recall(2));
  EXPECT_GT(recall(2), recall(1) + 0.1);
  EXPECT_GT(ndcg(2), ndcg(1));
  // The blend beats the first config (the current one, popularity by default) significantly,
  // and its interval lies above zero.
  const auto& versus = configs[2]["versus_first"]["recall"];
  EXPECT_LT(versus["p_value"].GetDouble(), 0.001);
  EXPECT_GT(versus["ci95"][0].GetDouble(), 0);
  const std::string markdown = ReadFile(dir_ + "/offline/report.md");
  EXPECT_NE(markdown.find("| blend.json |"), std::string::npos);
  EXPECT_NE(markdown.find("![recall_at_k.svg](recall_at_k.svg)"), std::string::npos);

  store::PgConnection conn = db_->Connect();
  EXPECT_EQ(QueryOne(conn, "SELECT count(*) FROM eval_reports WHERE kind = 'offline'"), "1");
  EXPECT_EQ(QueryOne(conn, "SELECT count(*) FROM audit_log WHERE action = 'report.create'"), "1");

  // A grid prints its best point as a config ready for PUT.
  ASSERT_EQ(Cli("eval offline --tenant shop --split-date " + split +
                    " --k 10 --resamples 0 --grid weights.hist=0,1 --grid weights.cooc=1 --out " +
                    dir_ + "/grid",
                &out),
            0)
      << out;
  EXPECT_NE(out.find("best by ndcg@10: weights.hist=1 weights.cooc=1\n{"), std::string::npos)
      << out;
  EXPECT_NE(
      Cli("eval offline --tenant shop --split-date " + split + " --grid weights.hsit=1", &out), 0);
  EXPECT_NE(out.find("not a setting it can vary"), std::string::npos) << out;
  EXPECT_EQ(Cli("eval offline --tenant nobody --split-date " + split, &out), 2) << out;
  EXPECT_EQ(Cli("eval offline --tenant shop --split-date 2026-13-01", &out), 2) << out;
}

// `eval tune` (issue 23): the search reads only the days before the split (events planted after
// it change nothing), writes its choice as a draft config, and reports it on the held-out days.
TEST_F(EvalTest, TuneChoosesOnDaysBeforeTheSplitAndWritesADraft) {
  ImportShop(600, /*heldout_days=*/0);
  const std::string split = FormatRfc3339(NowUs() - 2 * kDayUs).substr(0, 10);
  const std::string tune = "eval tune --tenant shop --split-date " + split +
                           " --validation-days 4 --k 10 --rounds 1 --resamples 50 ";
  std::string first;
  ASSERT_EQ(Cli(tune + "--held-out-days 2 --out " + dir_ + "/tune1", &first), 0) << first;
  const std::string draft = ReadFile(dir_ + "/tune1/config.json");
  auto parsed = ParseTenantConfig(draft);
  ASSERT_TRUE(parsed.ok()) << draft;
  EXPECT_NE(draft, "{}\n");
  EXPECT_NE(first.find("tuned config (a draft"), std::string::npos) << first;
  EXPECT_NE(first.find("held out (2 days from " + split), std::string::npos) << first;
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/tune1/report.html"));
  // Several starts, each reported; the hand-picked ones are candidates, so on the validation days
  // none of them scores above the tuned config, and each is compared on the held-out days too.
  for (const char* start : {"current", "personal blend", "two parts 3", "two parts 5",
                            "two parts 8", "two parts auto", "discovery"}) {
    EXPECT_NE(first.find("  start " + std::string(start) + ": "), std::string::npos) << start;
  }
  auto recalls = [](const std::string& section, const std::string& label) {
    std::vector<double> found;
    std::istringstream lines(section);
    for (std::string line; std::getline(lines, line);) {
      const std::string head = "  " + label;
      if (line.rfind(head, 0) != 0 || line.find(" recall ") == std::string::npos) continue;
      if (line.find_first_not_of(' ', head.size()) != line.find(" recall ") + 1) continue;
      found.push_back(std::stod(line.substr(line.find(" recall ") + 8)));
    }
    return found;
  };
  const size_t from = first.find("on the validation days");
  ASSERT_NE(from, std::string::npos) << first;
  const std::string validated = first.substr(from, first.find("tuned config (a draft") - from);
  const std::vector<double> tuned = recalls(validated, "tuned");
  const std::vector<double> starts = recalls(validated, "start");
  ASSERT_EQ(tuned.size(), 1u) << validated;
  ASSERT_EQ(starts.size(), 6u) << validated;
  for (double s : starts) EXPECT_GE(tuned[0], s) << validated;
  const std::string held_out = first.substr(first.find("held out (2 days"));
  EXPECT_EQ(recalls(held_out, "start").size(), 6u) << held_out;
  EXPECT_EQ(recalls(held_out, "tuned").size(), 1u) << held_out;
  EXPECT_NE(held_out.find("  tuned - best start (start: "), std::string::npos) << held_out;

  // A burst of purchases of one item after the split: the held-out days change, the choice not.
  std::vector<std::string> burst;
  for (int i = 0; i < 300; ++i) {
    burst.push_back(R"({"event_id": "late-)" + std::to_string(i) + R"(", "user_id": "u)" +
                    std::to_string(i % 50) + R"(", "event_type": "purchase", "item_id": "late",)" +
                    R"( "occurred_at": ")" + FormatRfc3339(NowUs() - kDayUs) + "\"}");
  }
  testing::WriteLines(dir_ + "/late.jsonl", burst);
  ASSERT_EQ(Cli("import events --tenant shop " + dir_ + "/late.jsonl"), 0);
  std::string second;
  ASSERT_EQ(Cli(tune + "--out " + dir_ + "/tune2", &second), 0) << second;
  EXPECT_EQ(ReadFile(dir_ + "/tune2/config.json"), draft);
  auto validation = [](const std::string& out) { return out.substr(0, out.find("tuned config")); };
  EXPECT_EQ(validation(second), validation(first));

  std::string out;
  EXPECT_NE(Cli(tune + "--min-explore 1 --out " + dir_ + "/tune3", &out), 0);
  EXPECT_NE(out.find("no config reached --min-explore"), std::string::npos) << out;
}

TEST_F(EvalTest, ExperimentAnalysisFindsAPlantedLiftAndRefusesUnjoinedData) {
  ASSERT_EQ(Cli("tenants create shop"), 0);
  const std::string config =
      R"({"experiments": [{"id": "exp1", "surface": "home", "variants": [
            {"name": "control", "weight": 50}, {"name": "treatment", "weight": 50,
             "config": {"weights": {"hist": 1}}}]}]})";
  store::PgAdminRepository repo(db_->url(), "eval-test-spill");
  auto tenant = repo.FindTenant("shop");
  ASSERT_TRUE(tenant.ok() && tenant.value());
  ASSERT_TRUE(repo.Save(*tenant.value(), service::DocKind::kConfig, config, std::nullopt, "test",
                        {"test", "cli", "", "", ""})
                  .ok());
  store::PgConnection conn = db_->Connect();
  const std::string id = tenant.value()->id;
  // 4,000 users, three exposures each, split by user parity; clicks on 10 % of control's
  // exposures and 15 % of the treatment's (+50 %), decided by a hash of the exposure.
  ASSERT_TRUE(conn.Query(R"sql(
      INSERT INTO exposure_events (tenant_id, occurred_at, request_id, surface, segment, user_key,
                                   experiment_id, experiment_variant, algo_version, request,
                                   response, meta)
      SELECT $1, now() - interval '2 hours', md5('r' || g)::uuid, 'home', 'default',
             decode(md5('u' || (g % 4000)), 'hex'), 'exp1',
             CASE WHEN (g % 4000) % 2 = 0 THEN 'control' ELSE 'treatment' END, 'recsys-blend-1',
             '{}', '{"items": ["a", "b"]}', '{"counts": {}, "timings_us": {"total": 2000}}'
        FROM generate_series(1, 12000) g)sql",
                         {id})
                  .ok());
  ASSERT_TRUE(conn.Query(R"sql(
      INSERT INTO interaction_events (tenant_id, occurred_at, request_id, surface, event_type,
                                      item_id, value)
      SELECT $1, now() - interval '1 hour', md5('r' || g)::uuid, 'home', 'click', 'a', NULL
        FROM generate_series(1, 12000) g
       WHERE ('x' || substr(md5('c' || g), 1, 8))::bit(32)::bigint / 4294967296.0 <
             CASE WHEN (g % 4000) % 2 = 0 THEN 0.10 ELSE 0.15 END)sql",
                         {id})
                  .ok());

  std::string out;
  ASSERT_EQ(
      Cli("eval experiment --tenant shop --experiment exp1 --aa 100 --out " + dir_ + "/exp", &out),
      0)
      << out;
  EXPECT_NE(out.find("verdict: ship treatment"), std::string::npos) << out;
  const rapidjson::Document report = testing::ParseJson(ReadFile(dir_ + "/exp/report.json"));
  ASSERT_TRUE(report.IsObject()) << out;
  EXPECT_STREQ(report["verdict"].GetString(), "ship");
  EXPECT_DOUBLE_EQ(report["join"]["rate"].GetDouble(), 1.0);
  const auto& ctr = report["comparisons"][0]["ctr"];
  EXPECT_LT(ctr["lift_ci95"][0].GetDouble(), 0.5);
  EXPECT_GT(ctr["lift_ci95"][1].GetDouble(), 0.5);
  EXPECT_GT(ctr["lift_ci95"][0].GetDouble(), 0);
  EXPECT_GT(report["sample_ratio"]["p_value"].GetDouble(), 0.001);
  EXPECT_TRUE(report["aa"]["within_nominal"].GetBool());
  EXPECT_NE(ReadFile(dir_ + "/exp/report.html").find("<svg"), std::string::npos);

  // Interactions whose request_id has no exposure: the join rate drops under 95 %.
  ASSERT_TRUE(conn.Query(R"sql(
      INSERT INTO interaction_events (tenant_id, occurred_at, request_id, surface, event_type,
                                      item_id)
      SELECT $1, now() - interval '1 hour', md5('lost' || g)::uuid, 'home', 'click', 'a'
        FROM generate_series(1, 400) g)sql",
                         {id})
                  .ok());
  ASSERT_EQ(Cli("eval experiment --tenant shop --experiment exp1 --out " + dir_ + "/exp2", &out), 0)
      << out;
  EXPECT_NE(out.find("verdict: none"), std::string::npos) << out;
  EXPECT_NE(out.find("[FAIL] join rate"), std::string::npos) << out;
  EXPECT_EQ(QueryOne(conn, "SELECT count(*) FROM eval_reports WHERE kind = 'experiment'"), "2");
  EXPECT_EQ(Cli("eval experiment --tenant shop --experiment nope", &out), 2) << out;
  EXPECT_NE(out.find("no exposures"), std::string::npos) << out;
}

TEST_F(EvalTest, AnInterleavingExperimentServedForRealCreditsClicksToTheirTeams) {
  ASSERT_EQ(Cli("demo seed"), 0);
  store::PgAdminRepository repo(db_->url(), "eval-test-spill");
  auto tenant = repo.FindTenant("demo");
  ASSERT_TRUE(tenant.ok() && tenant.value());
  ASSERT_TRUE(repo.Save(*tenant.value(), service::DocKind::kConfig,
                        R"({"experiments": [{"id": "tdi", "surface": "home", "mode": "interleave",
                            "variants": [{"name": "control", "weight": 1},
                                         {"name": "new", "weight": 1,
                                          "config": {"ranking": {"mmr_lambda": 0.7}}}]}]})",
                        std::nullopt, "test", {"test", "cli", "", "", ""})
                  .ok());
  {
    testing::ServeProcess serve(db_->url());
    // Every user clicks the first item the "new" team placed: "new" must win.
    for (int u = 0; u < 150; ++u) {
      const std::string user = std::string("u").append(std::to_string(u));
      testing::HttpResult r = serve.Post(
          "/v1/recommend", R"({"surface": "home", "k": 6, "user": {"user_id": ")" + user + "\"}}");
      ASSERT_EQ(r.status, 200) << r.body;
      const rapidjson::Document doc = testing::ParseJson(r.body);
      ASSERT_STREQ(doc["meta"]["experiment"]["variant"].GetString(), "interleaved");
      std::string clicked;
      for (const auto& item : doc["items"].GetArray()) {
        if (std::string(item["team"].GetString()) == "new") {
          clicked = item["item_id"].GetString();
          break;
        }
      }
      ASSERT_FALSE(clicked.empty()) << r.body;
      testing::HttpResult e = serve.Post(
          "/v1/events",
          R"({"events": [{"event_type": "click", "surface": "home", "occurred_at": ")" +
              FormatRfc3339(NowUs()) + R"(", "user_id": ")" + user + R"(", "item_id": ")" +
              clicked + R"(", "request_id": ")" + doc["meta"]["request_id"].GetString() + "\"}]}");
      ASSERT_EQ(e.status, 202) << e.body;
      ASSERT_NE(e.body.find(R"("accepted":1)"), std::string::npos) << e.body;
    }
    ASSERT_EQ(serve.Terminate(), 0);  // flushes the exposure rows
  }
  store::PgConnection conn = db_->Connect();
  EXPECT_EQ(QueryOne(conn, "SELECT count(*) FROM exposure_events WHERE experiment_id = 'tdi'"),
            "150");
  std::string out;
  ASSERT_EQ(Cli("eval experiment --tenant demo --experiment tdi --out " + dir_ + "/tdi", &out), 0)
      << out;
  EXPECT_NE(out.find("verdict: ship new"), std::string::npos) << out;
  const rapidjson::Document report = testing::ParseJson(ReadFile(dir_ + "/tdi/report.json"));
  ASSERT_TRUE(report.IsObject()) << out;
  EXPECT_EQ(report["interleaving"]["user_wins"][1].GetInt64(), 150);
  EXPECT_DOUBLE_EQ(report["join"]["rate"].GetDouble(), 1.0);
}

// Serves `responses` recommendations to the users with held-back purchases, in order; a shown
// item the user buys on the held-back day is a click. Calls on_response(user, response document,
// clicked item ids) per response; returns the clicks per response.
template <typename OnResponse>
double ServeShop(const testing::ShopData& shop, const std::string& database_url, int responses,
                 OnResponse on_response) {
  testing::ServeProcess serve(database_url, {{"RECSYS_USER_KEY_SECRET", "test-secret-0123456789"},
                                             {"RECSYS_SIGNAL_BUILD_ENABLED", "false"}});
  int served = 0, clicks = 0;
  for (const auto& [user, bought] : shop.heldout_purchases) {
    if (served++ == responses) break;
    testing::HttpResult r = serve.Post(
        "/v1/recommend", R"({"surface": "default", "k": 5, "user": {"user_id": ")" + user + "\"}}",
        {{"X-Dev-User-Id", "tester"},
         {"X-Dev-Org-Id", "shop"},
         {"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << r.body;
    const rapidjson::Document doc = testing::ParseJson(r.body);
    std::vector<std::string> clicked;
    for (const auto& item : doc["items"].GetArray()) {
      const std::string id = item["item_id"].GetString();
      if (std::find(bought.begin(), bought.end(), id) != bought.end()) clicked.push_back(id);
    }
    clicks += static_cast<int>(clicked.size());
    on_response(serve, user, doc, clicked);
  }
  EXPECT_EQ(serve.Terminate(), 0);  // flushes the exposure rows
  return static_cast<double>(clicks) / responses;
}

TEST_F(EvalTest, OffPolicyEstimatesMatchWhatEachConfigEarnsWhenServed) {
  // What users buy on the held-back day decides their clicks.
  const testing::ShopData shop = ImportShop(300, /*heldout_days=*/1);
  ASSERT_EQ(Cli("signals build"), 0);
  store::PgAdminRepository repo(db_->url(), "eval-test-spill");
  auto tenant = repo.FindTenant("shop");
  ASSERT_TRUE(tenant.ok() && tenant.value());
  const auto save_config = [&](const std::string& json) {
    ASSERT_TRUE(repo.Save(*tenant.value(), service::DocKind::kConfig, json, std::nullopt, "test",
                          {"test", "cli", "", "", ""})
                    .ok());
  };
  // Serving blends history and co-visitation; the draft is popularity alone, which misses what
  // these users buy again. Each is served once without exploration for the truth.
  const std::string blend = R"("weights": {"pop": 0.1, "hist": 1, "cooc": 1})";
  const std::string popularity = R"("weights": {"pop": 1})";
  const auto ignore = [](auto&&...) {};
  constexpr int kResponses = 200;
  save_config("{" + popularity + "}");
  const double popularity_truth = ServeShop(shop, db_->url(), kResponses, ignore);
  save_config("{" + blend + "}");
  const double blend_truth = ServeShop(shop, db_->url(), kResponses, ignore);
  ASSERT_GT(blend_truth, 2 * popularity_truth);
  // Then served with exploration, clicks posted as events.
  save_config("{" + blend + R"(, "ranking": {"exploration": {"epsilon": 0.3, "pool": 20}}})");
  std::ofstream(dir_ + "/popularity.json") << "{" + popularity + "}";
  const std::string from = FormatRfc3339(NowUs() - 3600LL * 1000000);
  ServeShop(shop, db_->url(), kResponses,
            [](testing::ServeProcess& serve, const std::string& user,
               const rapidjson::Document& doc, const std::vector<std::string>& clicked) {
              for (const std::string& id : clicked) {
                testing::HttpResult e =
                    serve.Post("/v1/events",
                               R"({"events": [{"event_type": "click", "occurred_at": ")" +
                                   FormatRfc3339(NowUs()) + R"(", "user_id": ")" + user +
                                   R"(", "item_id": ")" + id + R"(", "request_id": ")" +
                                   doc["meta"]["request_id"].GetString() + "\"}]}",
                               {{"X-Dev-User-Id", "tester"},
                                {"X-Dev-Org-Id", "shop"},
                                {"Content-Type", "application/json"}});
                EXPECT_NE(e.body.find(R"("accepted":1)"), std::string::npos) << e.body;
              }
            });
  std::string out;
  ASSERT_EQ(Cli("eval offpolicy --tenant shop --config " + dir_ + "/popularity.json --from " +
                    from + " --out " + dir_ + "/ope",
                &out),
            0)
      << out;
  const rapidjson::Document report = testing::ParseJson(ReadFile(dir_ + "/ope/report.json"));
  ASSERT_TRUE(report.IsObject()) << out;
  EXPECT_EQ(report["responses"].GetInt64(), kResponses);
  const auto& configs = report["configs"];
  ASSERT_EQ(configs.Size(), 2u);
  std::printf(
      "clicks per response: served blend %.3f, popularity %.3f; logged with exploration "
      "%.3f\n%s",
      blend_truth, popularity_truth, configs[0]["logged_clicks_per_response"].GetDouble(),
      out.c_str());
  // The estimate for what is served rests on plenty of logged slots and lands near the truth;
  // the draft's either does too or says it has too little support.
  const double truths[] = {blend_truth, popularity_truth};
  for (rapidjson::SizeType i = 0; i < 2; ++i) {
    const auto& c = configs[i];
    if (!c["enough_support"].GetBool()) continue;
    EXPECT_NEAR(c["ips"].GetDouble(), truths[i], 4 * c["ips_standard_error"].GetDouble() + 0.03)
        << c["name"].GetString();
  }
  EXPECT_TRUE(configs[0]["enough_support"].GetBool());
  EXPECT_GT(configs[0]["matched_slots"].GetInt64(), 300);
  EXPECT_NE(Cli("eval offpolicy --tenant shop --config " + dir_ + "/popularity.json --from " +
                    "2020-01-01 --to 2020-01-02",
                &out),
            0);
  EXPECT_NE(out.find("turn ranking.exploration on"), std::string::npos) << out;
}

TEST_F(EvalTest, PreviewFromTheCommandLinePrintsTextOrJsonAndStoresItsReport) {
  ASSERT_EQ(Cli("demo seed"), 0);
  store::PgConnection conn = db_->Connect();
  // Ten logged home requests, as /v1/recommend logs them.
  ASSERT_TRUE(conn.Exec("INSERT INTO exposure_events (tenant_id, occurred_at, request_id, surface, "
                        "segment, algo_version, request, response) SELECT t.id, now() - g * "
                        "interval '1 s', gen_random_uuid(), 'home', 'default', 'v1', "
                        "'{\"surface\": \"home\", \"segment\": \"default\", \"k\": 5}', "
                        "'{\"items\": []}' FROM tenants t, generate_series(1, 10) g "
                        "WHERE t.external_id = 'demo'")
                  .ok());
  testing::WriteLines(dir_ + "/pin.json",
                      {R"([{"action": "pin", "target_type": "item", "item_ids": ["item-0299"]}])"});
  std::string out;
  ASSERT_EQ(Cli("eval preview --tenant demo --rules " + dir_ + "/pin.json --last 10 --json --out " +
                    dir_ + "/json",
                &out),
            0)
      << out;
  // stdout holds the JSON on one line; where the report went is said on stderr.
  const size_t json_at = out.find("{\"tenant_id\"");
  ASSERT_NE(json_at, std::string::npos) << out;
  out = out.substr(json_at, out.find('\n', json_at) - json_at);
  auto doc = testing::ParseJson(out);
  EXPECT_EQ(doc["replayed"].GetInt(), 10);
  EXPECT_EQ(doc["changed"]["responses"].GetInt(), 10);
  EXPECT_EQ(doc["after"]["pinned"].GetInt(), 10);
  EXPECT_STREQ(doc["gained"][0]["item_id"].GetString(), "item-0299");
  EXPECT_TRUE(doc["draft"]["rules"].GetBool());

  ASSERT_EQ(Cli("eval preview --tenant demo --rules " + dir_ + "/pin.json --last 10 --out " + dir_ +
                    "/text",
                &out),
            0)
      << out;
  EXPECT_NE(out.find("changed: 10 of 10 responses"), std::string::npos) << out;
  EXPECT_NE(out.find("gained most: item-0299 (10)"), std::string::npos) << out;
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/text/impact.svg"));
  EXPECT_NE(ReadFile(dir_ + "/text/report.md").find("Impact preview: demo"), std::string::npos);
  EXPECT_EQ(QueryOne(conn, "SELECT count(*) FROM eval_reports WHERE kind = 'preview'"), "2");

  testing::WriteLines(dir_ + "/bad.json", {R"([{"action": "teleport"}])"});
  EXPECT_EQ(Cli("eval preview --tenant demo --rules " + dir_ + "/bad.json", &out), 2);
  EXPECT_NE(out.find("rules[0].action"), std::string::npos) << out;
  EXPECT_EQ(Cli("eval preview --tenant demo", &out), 2);  // no draft
}

}  // namespace
}  // namespace recsys
