// The OpenAPI document against the real server: every endpoint is called, for its success and each
// error it documents, and scripts/openapi-check validates every answer against GET /openapi.json
// with a JSON Schema validator. A response the document does not describe, or a documented
// operation no call reaches, fails the test.
#include <gtest/gtest.h>
#include <jwt.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "core/time.h"
#include "core/uuid.h"
#include "store/pg.h"
#include "store/report_store.h"
#include "store/signal_versions.h"
#include "store/state_loader.h"
#include "testing/api_log.h"
#include "testing/jwt_signer.h"
#include "testing/serve_process.h"
#include "testing/test_db.h"

namespace recsys {
namespace {

using testing::HttpCall;
using testing::HttpResult;
using Headers = std::vector<std::pair<std::string, std::string>>;

const std::string kJwtSecret = "contract-jwt-secret-0123456789-0123456789";
const std::string kRecommend = R"({"surface": "home", "k": 3, "user": {"user_id": "u1"}})";

Headers Dev(const std::string& tenant = "demo") {
  return {{"X-Dev-User-Id", "contract"},
          {"X-Dev-Org-Id", tenant},
          {"Content-Type", "application/json"}};
}

Headers Viewer() {
  const int64_t exp = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count() +
                      600;
  return {{"Authorization",
           "Bearer " + testing::SignJwt(JWT_ALG_HS256, kJwtSecret,
                                        R"({"sub": "v", "tenant_id": "demo", "roles": ["viewer"],)"
                                        R"( "exp": )" +
                                            std::to_string(exp) + "}")},
          {"Content-Type", "application/json"}};
}

class ApiContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::SeededDemoDatabase("contract");
    ASSERT_NE(db_, nullptr);
    store::PgConnection conn = db_->Connect();
    ASSERT_TRUE(conn.Exec("INSERT INTO tenants (external_id, name) VALUES ('bare', 'Bare')").ok());
    serve_ = std::make_unique<testing::ServeProcess>(
        db_->url(), std::map<std::string, std::string>{
                        {"RECSYS_JWT_HS256_SECRET", kJwtSecret},
                        {"RECSYS_API_KEY_SECRET", "contract-key-secret-0123456789"}});
    dir_ = "/tmp/recsys-contract-" + NewUuidV4();
    std::filesystem::create_directories(dir_);
    log_ = std::make_unique<testing::ApiLog>(dir_ + "/calls.jsonl");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Calls the server, records the answer, and checks the status this case is about.
  void Expect(int status, const std::string& method, const std::string& path,
              const std::string& body = "", const Headers& headers = Dev(), int port = 0) {
    const HttpResult& r = log_->Add(
        method, path, HttpCall(port ? port : serve_->port(), method, path, headers, body));
    EXPECT_EQ(r.status, status) << method << " " << path << ": " << r.body.substr(0, 300);
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<testing::ServeProcess> serve_;
  std::unique_ptr<testing::ApiLog> log_;
  std::string dir_;
};

TEST_F(ApiContractTest, EveryEndpointAnswersAsTheDocumentSays) {
  // The document itself, as served.
  HttpResult doc = HttpCall(serve_->port(), "GET", "/openapi.json");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(testing::HeaderValue(doc, "Content-Type"), "application/json");
  std::ofstream(dir_ + "/openapi.json") << doc.body;
  log_->Add("GET", "/openapi.json", doc);

  // Serving.
  Expect(200, "POST", "/v1/recommend",
         R"({"surface": "home", "k": 5, "user": {"user_id": "u1", "session_id": "s"},
             "anchors": {"item_ids": ["item-0001"]}, "constraints": {"max_per_tag": {"brand:acme": 1}},
             "options": {"explain": "full", "include_reasons": true, "include_trace": true}})");
  Expect(200, "POST", "/v1/recommend", R"({"surface": "home", "user": {"anonymous_id": "a"}})");
  Expect(400, "POST", "/v1/recommend", "{not json");
  Expect(400, "POST", "/v1/recommend", kRecommend,
         {{"X-Dev-User-Id", "c"}, {"X-Dev-Org-Id", "demo"}, {"Content-Type", "text/plain"}});
  Expect(422, "POST", "/v1/recommend", R"({"surface": "home", "k": 0, "user": {"user_id": "u"}})");
  Expect(422, "POST", "/v1/recommend", R"({"surface": "home"})");
  Expect(401, "POST", "/v1/recommend", kRecommend, {{"Content-Type", "application/json"}});
  Expect(403, "POST", "/v1/recommend", kRecommend,
         {{"X-Dev-User-Id", "c"},
          {"X-Dev-Org-Id", "demo"},
          {"X-Org-Id", "bare"},
          {"Content-Type", "application/json"}});
  Expect(403, "POST", "/v1/recommend", kRecommend, Dev("no-such-tenant"));
  Expect(413, "POST", "/v1/recommend", std::string(2 << 20, ' '));
  Expect(200, "POST", "/v1/recommend/validate", R"({"surface": "home", "user": {"user_id": "u"}})");
  Expect(422, "POST", "/v1/recommend/validate", R"({"surface": "", "user": {"user_id": "u"}})");
  Expect(400, "POST", "/v1/recommend/validate", "[1, 2]");
  Expect(200, "POST", "/v1/similar", R"({"surface": "home", "item_id": "item-0001", "k": 3})");
  Expect(200, "POST", "/v1/similar", R"({"surface": "home", "item_id": "no-such-item"})");
  Expect(422, "POST", "/v1/similar", R"({"surface": "home"})");
  Expect(401, "POST", "/v1/similar", R"({"surface": "home", "item_id": "x"})", {});

  // Events and catalog.
  Expect(202, "POST", "/v1/events",
         R"({"events": [{"event_id": "e1", "occurred_at": "2026-01-01T00:00:00Z", "user_id": "u1",
                         "event_type": "view", "item_id": "item-0001"},
                        {"occurred_at": "soon", "user_id": "u1", "event_type": "view",
                         "item_id": "item-0002"}]})");
  Expect(400, "POST", "/v1/events", R"({"events": 3})");
  std::string many = R"({"events": [)";
  for (int i = 0; i < 1001; ++i) {
    many += (i ? "," : "");
    many += R"({"occurred_at": "2026-01-01T00:00:00Z", "user_id": "u", "event_type": "view",
               "item_id": "i"})";
  }
  Expect(413, "POST", "/v1/events", many + "]}");
  Expect(401, "POST", "/v1/events", R"({"events": []})", {});
  Expect(200, "PUT", "/v1/catalog/items",
         R"({"items": [{"item_id": "item-new", "tags": ["brand:x"], "price": 9.5},
                       {"item_id": ""}]})");
  Expect(400, "PUT", "/v1/catalog/items", R"({"items": {}})");
  Expect(403, "PUT", "/v1/catalog/items", R"({"items": []})", Viewer());
  Expect(200, "DELETE", "/v1/catalog/items/item-new?namespace=default");
  Expect(403, "DELETE", "/v1/catalog/items/item-new", "", Viewer());

  // Admin: config and rules, their versions and rollbacks.
  const std::string admin = "/v1/admin/tenants/demo";
  Expect(200, "GET", admin + "/config");
  Expect(200, "GET", admin + "/config", "", Viewer());
  Expect(404, "GET", "/v1/admin/tenants/bare/config", "", Dev("bare"));
  Expect(403, "GET", "/v1/admin/tenants/bare/config");
  Expect(401, "GET", admin + "/config", "", {});
  Expect(200, "PUT", admin + "/config",
         R"({"weights": {"pop": 1, "cooc": 0.5, "emb": 0}, "limits": {"max_k": 100}})");
  Expect(409, "PUT", admin + "/config", R"({"weights": {"pop": 1}})",
         {{"X-Dev-User-Id", "c"},
          {"X-Dev-Org-Id", "demo"},
          {"If-Match", "\"stale\""},
          {"Content-Type", "application/json"}});
  Expect(422, "PUT", admin + "/config", R"({"weights": {"pop": -1}})");
  Expect(400, "PUT", admin + "/config", "{");
  Expect(403, "PUT", admin + "/config", R"({"weights": {"pop": 1}})", Viewer());
  Expect(200, "GET", admin + "/config/versions?limit=5");
  Expect(404, "POST", admin + "/config/rollback", R"({"version": "nope"})");
  Expect(422, "POST", admin + "/config/rollback", R"({"version": 3})");
  Expect(200, "GET", admin + "/rules");
  Expect(200, "PUT", admin + "/rules",
         R"([{"action": "block", "target_type": "tag", "target_key": "brand:x"}])");
  Expect(422, "PUT", admin + "/rules", R"([{"action": "teleport"}])");
  Expect(200, "GET", admin + "/rules/versions");
  HttpResult versions = HttpCall(serve_->port(), "GET", admin + "/rules/versions", Dev());
  const rapidjson::Document listed = testing::ParseJson(versions.body);
  const auto& all = listed["versions"];
  const std::string oldest = all[all.Size() - 1]["version"].GetString();
  Expect(200, "POST", admin + "/rules/rollback", R"({"version": ")" + oldest + "\"}");
  Expect(200, "POST", admin + "/rules/dry-run",
         R"({"rules": [{"action": "pin", "target_type": "item", "item_ids": ["item-0002"]}],
             "request": {"surface": "home", "k": 3, "user": {"user_id": "u"}}})");
  Expect(422, "POST", admin + "/rules/dry-run", R"({"rules": [{"action": "x"}], "request": {}})");
  Expect(200, "POST", admin + "/preview",
         R"({"rules": [{"action": "block", "target_type": "item", "item_ids": ["item-0001"]}],
             "sample": {"last": 50}})");
  Expect(422, "POST", admin + "/preview", R"({"config": {"weights": {"pop": -1}}})");
  Expect(400, "POST", admin + "/preview", R"({"sample": []})");
  Expect(403, "POST", admin + "/preview", "{}", Viewer());

  // Admin: audit and cache.
  Expect(200, "GET", admin + "/audit?limit=2");
  Expect(422, "GET", admin + "/audit?limit=abc");

  // Admin: evaluation reports (one stored as `eval` would store it).
  {
    store::PgConnection conn = db_->Connect();
    auto tenant = conn.Query("SELECT id FROM tenants WHERE external_id = 'demo'");
    ASSERT_TRUE(tenant.ok());
    service::EvalReport report{"",
                               "offline",
                               "Offline evaluation",
                               "",
                               "",
                               R"({"best": "current"})",
                               R"({"kind": "offline"})",
                               "# Offline evaluation\n",
                               "<!DOCTYPE html><html></html>"};
    auto id = store::SaveReport(conn, std::string(tenant.value().Get(0, 0)), report, "cli:test");
    ASSERT_TRUE(id.ok()) << id.status().message();
    Expect(200, "GET", admin + "/reports");
    Expect(422, "GET", admin + "/reports?limit=0");
    Expect(200, "GET", admin + "/reports/" + id.value());
    Expect(200, "GET", admin + "/reports/" + id.value() + "?format=html");
    Expect(200, "GET", admin + "/reports/" + id.value() + "?format=markdown");
    Expect(422, "GET", admin + "/reports/" + id.value() + "?format=pdf");
    Expect(404, "GET", admin + "/reports/" + NewUuidV4());
  }

  // Admin: one version of each document.
  for (const char* kind : {"config", "rules"}) {
    HttpResult listed = HttpCall(serve_->port(), "GET", admin + "/" + kind + "/versions", Dev());
    const rapidjson::Document versions = testing::ParseJson(listed.body);
    ASSERT_GT(versions["versions"].Size(), 0u) << listed.body;
    Expect(200, "GET",
           admin + "/" + kind + "/versions/" + versions["versions"][0]["version"].GetString());
    Expect(404, "GET", admin + "/" + kind + "/versions/no-such-version");
  }

  // Admin: the tenant's overview and API keys.
  Expect(200, "GET", admin + "/overview");
  Expect(200, "GET", admin + "/audit?action=config.update&actor=contract");
  Expect(200, "GET", admin + "/keys");
  Expect(403, "GET", admin + "/keys", "", Viewer());
  Expect(422, "POST", admin + "/keys", R"({"roles": ["root"]})");
  {
    const HttpResult created = log_->Add("POST", admin + "/keys",
                                         HttpCall(serve_->port(), "POST", admin + "/keys", Dev(),
                                                  R"({"name": "ci", "roles": ["viewer"]})"));
    ASSERT_EQ(created.status, 201) << created.body;
    const rapidjson::Document doc = testing::ParseJson(created.body);
    const std::string key_id = doc["api_key"]["id"].GetString();
    Expect(200, "DELETE", admin + "/keys/" + key_id);
    Expect(200, "DELETE", admin + "/keys/" + key_id);  // already revoked: changes nothing
    store::PgConnection conn = db_->Connect();
    EXPECT_EQ(testing::QueryOne(conn,
                                "SELECT count(*) FROM audit_log WHERE action = 'key.revoke' "
                                "AND entity_id = '" +
                                    key_id + "'"),
              "1");
  }
  Expect(404, "DELETE", admin + "/keys/" + NewUuidV4());
  Expect(200, "POST", admin + "/cache/invalidate", R"({"targets": ["config", "popularity"]})");
  Expect(422, "POST", admin + "/cache/invalidate", R"({"targets": ["everything"]})");

  // Admin: signal versions (one kept as a signal build keeps it).
  {
    store::PgConnection conn = db_->Connect();
    store::StateLoader loader(db_->url());
    service::SignalReload only;
    only.tenants = {"demo"};
    only.only = true;
    auto state = loader.Load(nullptr, only, NowUs());
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    service::SignalBuildManifest manifest;
    manifest.trigger = "cli";
    manifest.built_by = "contract";
    manifest.days = {"2026-11-30"};
    ASSERT_TRUE(
        store::StoreSignalVersion(conn, *state.value()->tenants.at("demo"), manifest, 5).ok());
  }
  Expect(200, "GET", admin + "/signals/versions");
  Expect(403, "POST", admin + "/signals/rollback", R"({"version": 1})", Viewer());
  Expect(422, "POST", admin + "/signals/rollback", R"({"version": "1"})");
  Expect(404, "POST", admin + "/signals/rollback", R"({"version": 99})");
  Expect(200, "POST", admin + "/signals/rollback", R"({"version": 1})");
  Expect(200, "GET", admin + "/signals/versions");
  Expect(403, "POST", admin + "/signals/unpin", "", Viewer());
  Expect(200, "POST", admin + "/signals/unpin");
  Expect(200, "POST", admin + "/signals/unpin");  // not pinned: changes nothing

  // Operations.
  Expect(200, "GET", "/healthz", "", {});
  Expect(200, "GET", "/readyz", "", {});
  Expect(200, "GET", "/v1/license", "", {});
  Expect(200, "GET", "/metrics", "", {});
  Expect(404, "GET", "/v1/nothing-here", "", {});
  Expect(405, "GET", "/v1/recommend", "", {});

  // 429 comes from a second server with a tiny rate limit.
  {
    testing::ServeProcess limited(db_->url(), {{"RECSYS_RATE_LIMIT_RPS", "1"}});
    int limited_status = 0;
    for (int i = 0; i < 5 && limited_status != 429; ++i) {
      HttpResult r = HttpCall(limited.port(), "POST", "/v1/recommend", Dev(), kRecommend);
      log_->Add("POST", "/v1/recommend", r);
      limited_status = r.status;
    }
    EXPECT_EQ(limited_status, 429);
  }

  // 503: the database refuses this service (connections off, its sessions ended). Serving goes
  // on from snapshots; writes and readiness say unavailable.
  {
    auto admin_conn = store::PgConnection::Connect(testing::SharedClusterAdminUrl());
    ASSERT_TRUE(admin_conn.ok());
    ASSERT_TRUE(
        admin_conn.value().Exec("ALTER DATABASE " + db_->name() + " ALLOW_CONNECTIONS false").ok());
    ASSERT_TRUE(admin_conn.value()
                    .Query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = $1",
                           {db_->name()})
                    .ok());
  }
  ASSERT_TRUE(
      testing::WaitFor([&] { return HttpCall(serve_->port(), "GET", "/readyz").status == 503; },
                       std::chrono::seconds(10)));
  Expect(503, "GET", "/readyz", "", {});
  Expect(200, "POST", "/v1/recommend", kRecommend);
  Expect(503, "POST", "/v1/events",
         R"({"events": [{"occurred_at": "2026-01-01T00:00:00Z", "user_id": "u", "event_type":
             "view", "item_id": "item-0001"}]})");
  Expect(503, "PUT", "/v1/catalog/items", R"({"items": [{"item_id": "item-0001"}]})");
  Expect(503, "PUT", admin + "/config", R"({"weights": {"pop": 1}})");
  Expect(503, "POST", admin + "/preview", "{}");

  std::string report;
  EXPECT_EQ(log_->Check(dir_ + "/openapi.json", "--every-operation", &report), 0) << report;
  EXPECT_GE(log_->size(), 55u);
}

}  // namespace
}  // namespace recsys
