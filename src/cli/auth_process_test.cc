// Authentication, authorization and tenant isolation end to end, hostile cases first: a real
// `serve` with API keys and HS256 JWTs on, dev headers off.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "store/pg.h"
#include "testing/jwt_signer.h"
#include "testing/serve_process.h"
#include "testing/served_demo_suite.h"
#include "testing/test_db.h"

namespace recsys {
namespace {

using namespace std::chrono_literals;
using testing::HttpCall;
using testing::HttpResult;
using testing::RunShell;
using testing::WaitFor;
using Headers = std::vector<std::pair<std::string, std::string>>;

const std::string kApiSecret = "api-key-secret-0123456789";
const std::string kJwtSecret = "jwt-secret-0123456789-0123456789-abcdef";
const std::string kRecommend = R"({"surface": "home", "k": 3, "user": {"user_id": "u"}})";

std::string Token(const std::string& claims, jwt_alg_t alg = JWT_ALG_HS256,
                  const std::string& key = kJwtSecret) {
  return testing::SignJwt(alg, key, claims);
}

std::string Claims(const std::string& tenant, const std::string& roles, int64_t exp_offset = 300) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return R"({"sub": "jwt-user", "tenant_id": ")" + tenant + R"(", "roles": )" + roles +
         R"(, "exp": )" + std::to_string(now + exp_offset) + "}";
}

// The raw key in `keys create` output (the one line that starts with "rk_").
std::string KeyIn(const std::string& output) {
  const size_t start = output.rfind("rk_", 0) == 0 ? 0 : output.find("\nrk_") + 1;
  return output.substr(start, output.find('\n', start) - start);
}

class AuthTest : public testing::ServedDemoSuite {
 protected:
  static void SetUpTestSuite() {
    StartSuite("auth",
               {{"RECSYS_DEV_AUTH_ENABLED", "false"},
                {"RECSYS_API_KEY_SECRET", kApiSecret},
                {"RECSYS_JWT_HS256_SECRET", kJwtSecret},
                {"RECSYS_REFRESH_INTERVAL_MS", "3600000"}},
               [] {
                 ASSERT_EQ(Cli("tenants create acme --name Acme"), 0);
                 viewer_key_ = Key("demo", "viewer");
                 operator_key_ = Key("demo", "operator");
                 acme_key_ = Key("acme", "admin");
               });
  }

  static int Cli(const std::string& args, std::string* out = nullptr) {
    return testing::RunRecsys(db_->url(), args, out, "RECSYS_API_KEY_SECRET='" + kApiSecret + "'");
  }
  static std::string Key(const std::string& tenant, const std::string& roles) {
    std::string out;
    EXPECT_EQ(Cli("keys create --tenant " + tenant + " --roles " + roles, &out), 0) << out;
    return KeyIn(out);
  }
  HttpResult Post(const std::string& path, const Headers& headers,
                  const std::string& body = kRecommend) {
    Headers all = headers;
    all.emplace_back("Content-Type", "application/json");
    return HttpCall(serve_->port(), "POST", path, all, body);
  }
  HttpResult Put(const std::string& path, const Headers& headers, const std::string& body) {
    return HttpCall(serve_->port(), "PUT", path, headers, body);
  }
  std::string AuditCount() {
    store::PgConnection conn = db_->Connect();
    auto r = conn.Query("SELECT count(*) FROM audit_log");
    return r.ok() ? std::string(r.value().Get(0, 0)) : "error";
  }

  static inline std::string viewer_key_, operator_key_, acme_key_;
};

TEST_F(AuthTest, KeysAreShownOnceAndStoredOnlyAsHashes) {
  ASSERT_EQ(viewer_key_.rfind("rk_", 0), 0u) << viewer_key_;
  store::PgConnection conn = db_->Connect();
  auto r = conn.Query("SELECT count(*) FROM tenant_api_keys WHERE key_hash = $1 OR key_prefix = $1",
                      {viewer_key_});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().Get(0, 0), "0");
  std::string list;
  ASSERT_EQ(Cli("keys list --tenant demo", &list), 0);
  EXPECT_EQ(list.find(viewer_key_), std::string::npos);
  EXPECT_NE(list.find(viewer_key_.substr(0, 10)), std::string::npos);  // the display prefix
}

TEST_F(AuthTest, ApiKeysServeTheirTenantWithTheirRoles) {
  EXPECT_EQ(Post("/v1/recommend", {{"X-API-Key", viewer_key_}}).status, 200);
  EXPECT_EQ(Post("/v1/recommend", {{"X-API-Key", viewer_key_}, {"X-Org-Id", "demo"}}).status, 200);
  EXPECT_EQ(
      HttpCall(serve_->port(), "GET", "/v1/admin/tenants/demo/config", {{"X-API-Key", viewer_key_}})
          .status,
      200);
  const std::string before = AuditCount();
  EXPECT_EQ(Put("/v1/admin/tenants/demo/config", {{"X-API-Key", viewer_key_}}, "{}").status, 403);
  EXPECT_EQ(AuditCount(), before);  // nothing written
  EXPECT_EQ(Put("/v1/admin/tenants/demo/config", {{"X-API-Key", operator_key_}},
                R"({"weights": {"pop": 1}})")
                .status,
            200);
}

TEST_F(AuthTest, HostileRequestsGetTheRightRefusalAndWriteNothing) {
  const std::string before = AuditCount();
  const std::string long_id(2048, 'x');
  const struct {
    std::string what;
    HttpResult result;
    int status;
  } cases[] = {
      {"another tenant's key on my path",
       HttpCall(serve_->port(), "GET", "/v1/admin/tenants/demo/config", {{"X-API-Key", acme_key_}}),
       403},
      {"another tenant's key with my X-Org-Id",
       Post("/v1/recommend", {{"X-API-Key", acme_key_}, {"X-Org-Id", "demo"}}), 403},
      {"JWT tenant differs from X-Org-Id",
       Post("/v1/recommend", {{"Authorization", "Bearer " + Token(Claims("acme", R"(["admin"])"))},
                              {"X-Org-Id", "demo"}}),
       403},
      {"expired JWT",
       Post("/v1/recommend",
            {{"Authorization", "Bearer " + Token(Claims("demo", R"(["admin"])", -3600))}}),
       401},
      {"alg none JWT",
       Post("/v1/recommend", {{"Authorization", "Bearer " + Token(Claims("demo", R"(["admin"])"),
                                                                  JWT_ALG_NONE, "")}}),
       401},
      {"JWT signed with another secret",
       Post("/v1/recommend",
            {{"Authorization", "Bearer " + Token(Claims("demo", R"(["admin"])"), JWT_ALG_HS256,
                                                 "wrong-secret-wrong-secret-wrong-secret")}}),
       401},
      {"tampered JWT",
       Post("/v1/recommend",
            {{"Authorization", "Bearer " + Token(Claims("demo", R"(["admin"])")) + "x"}}),
       401},
      {"unknown key", Post("/v1/recommend", {{"X-API-Key", "rk_doesnotexist"}}), 401},
      {"SQL in a key", Post("/v1/recommend", {{"X-API-Key", "' OR '1'='1"}}), 401},
      {"2 KB key", Post("/v1/recommend", {{"X-API-Key", long_id}}), 401},
      {"dev headers while dev mode is off",
       Post("/v1/recommend", {{"X-Dev-User-Id", "u"}, {"X-Dev-Org-Id", "demo"}}), 401},
      {"no credentials", Post("/v1/recommend", {}), 401},
      {"SQL in the path tenant",
       HttpCall(serve_->port(), "GET", "/v1/admin/tenants/demo'--/config",
                {{"X-API-Key", viewer_key_}}),
       403},
      {"2 KB path tenant",
       HttpCall(serve_->port(), "GET", "/v1/admin/tenants/" + long_id + "/config",
                {{"X-API-Key", viewer_key_}}),
       403},
      {"2 KB X-Org-Id", Post("/v1/recommend", {{"X-API-Key", viewer_key_}, {"X-Org-Id", long_id}}),
       403},
      {"SQL in the surface",
       Post("/v1/recommend", {{"X-API-Key", viewer_key_}},
            R"({"surface": "x'; DROP TABLE tenants; --", "user": {"user_id": "u"}})"),
       200},
      {"2 KB user id",
       Post("/v1/recommend", {{"X-API-Key", viewer_key_}},
            R"({"surface": "home", "user": {"user_id": ")" + long_id + "\"}}"),
       422},
      {"2 KB item ids",
       Post("/v1/recommend", {{"X-API-Key", viewer_key_}},
            R"({"surface": "home", "user": {"user_id": "u"}, "candidates": {"exclude_ids": [")" +
                long_id + "\"]}}"),
       422},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.result.status, c.status) << c.what << ": " << c.result.body;
    if (c.status >= 400) {
      EXPECT_NE(c.result.headers.find("application/problem+json"), std::string::npos) << c.what;
      EXPECT_EQ(c.result.body.find(long_id), std::string::npos) << c.what << " echoed the input";
    }
  }
  EXPECT_EQ(AuditCount(), before);
  store::PgConnection conn = db_->Connect();
  auto tenants = conn.Query("SELECT count(*) FROM tenants");
  ASSERT_TRUE(tenants.ok());
  EXPECT_EQ(tenants.value().Get(0, 0), "2");
}

TEST_F(AuthTest, JwtCallersGetTheirTenantAndRoles) {
  const std::string viewer = "Bearer " + Token(Claims("demo", R"(["viewer"])"));
  EXPECT_EQ(Post("/v1/recommend", {{"Authorization", viewer}}).status, 200);
  EXPECT_EQ(Put("/v1/admin/tenants/demo/rules", {{"Authorization", viewer}}, "[]").status, 403);
  const std::string op = "Bearer " + Token(Claims("demo", R"(["operator"])"));
  HttpResult put = Put("/v1/admin/tenants/demo/rules", {{"Authorization", op}}, "[]");
  EXPECT_EQ(put.status, 200) << put.body;
}

TEST_F(AuthTest, RevokedAndExpiredKeysStopWorkingAtOnce) {
  const std::string key = Key("demo", "viewer");
  ASSERT_TRUE(WaitFor(
      [&] {
        return Post("/v1/recommend", {{"X-API-Key", key}}).status == 200;
      },
      5s));
  store::PgConnection conn = db_->Connect();
  auto id = conn.Query("SELECT id FROM tenant_api_keys WHERE key_prefix = $1", {key.substr(0, 10)});
  ASSERT_TRUE(id.ok());
  ASSERT_EQ(id.value().rows(), 1);
  ASSERT_EQ(Cli("keys revoke " + std::string(id.value().Get(0, 0))), 0);
  EXPECT_TRUE(WaitFor(
      [&] {
        return Post("/v1/recommend", {{"X-API-Key", key}}).status == 401;
      },
      2s));

  const std::string expiring = Key("demo", "viewer");
  ASSERT_TRUE(WaitFor(
      [&] {
        return Post("/v1/recommend", {{"X-API-Key", expiring}}).status == 200;
      },
      5s));
  ASSERT_TRUE(conn.Exec("UPDATE tenant_api_keys SET expires_at = now() - interval '1 second' "
                        "WHERE key_prefix = '" +
                        expiring.substr(0, 10) +
                        "'; "
                        "NOTIFY recsys_changes, '{\"scope\": \"control\"}'")
                  .ok());
  EXPECT_TRUE(WaitFor(
      [&] {
        return Post("/v1/recommend", {{"X-API-Key", expiring}}).status == 401;
      },
      2s));
}

TEST_F(AuthTest, SuspendedTenantsAreRefusedEverywhere) {
  const std::string key = Key("acme", "admin");
  ASSERT_TRUE(WaitFor(
      [&] {
        return HttpCall(serve_->port(), "GET", "/v1/admin/tenants/acme/audit", {{"X-API-Key", key}})
                   .status == 200;
      },
      5s));
  ASSERT_EQ(Cli("tenants suspend acme"), 0);
  EXPECT_TRUE(WaitFor(
      [&] {
        return Post("/v1/recommend", {{"X-API-Key", key}}).status == 403;
      },
      2s));
  EXPECT_EQ(
      HttpCall(serve_->port(), "GET", "/v1/admin/tenants/acme/audit", {{"X-API-Key", key}}).status,
      403);
  ASSERT_EQ(Cli("tenants activate acme"), 0);
}

TEST(KeyUsageTest, LastUsedAtIsWrittenWithoutAWritePerRequest) {
  auto db = testing::SeededDemoDatabase("key_usage");
  ASSERT_NE(db, nullptr);
  store::PgConnection conn = db->Connect();
  std::string out;
  ASSERT_EQ(testing::RunRecsys(db->url(), "keys create --tenant demo", &out,
                               "RECSYS_API_KEY_SECRET='" + kApiSecret + "'"),
            0);
  const std::string key = KeyIn(out);
  {
    testing::ServeProcess serve(db->url(), {{"RECSYS_API_KEY_SECRET", kApiSecret}});
    for (int i = 0; i < 20; ++i) {
      ASSERT_EQ(
          HttpCall(serve.port(), "POST", "/v1/recommend", {{"X-API-Key", key}}, kRecommend).status,
          200);
    }
    auto r = conn.Query("SELECT count(*) FROM tenant_api_keys WHERE last_used_at IS NOT NULL");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().Get(0, 0), "0");  // batched: not written per request
  }                                       // SIGTERM flushes the batch
  auto r = conn.Query("SELECT count(*) FROM tenant_api_keys WHERE last_used_at IS NOT NULL");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().Get(0, 0), "1");
}

}  // namespace
}  // namespace recsys
