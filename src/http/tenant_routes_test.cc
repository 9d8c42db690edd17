// The tenant's own admin routes (overview, API keys) through the router, with the real admin use
// case on a repository fake that holds one tenant and its keys.
#include "http/tenant_routes.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "core/snapshot.h"
#include "http/router.h"

namespace recsys::http {
namespace {

using service::TenantRef;

// What the overview and key routes read and write; everything else is refused as unused.
class KeysRepository : public service::AdminRepository {
 public:
  Result<std::optional<TenantRef>> FindTenant(const std::string& external_id) override {
    RETURN_IF_ERROR(failure);
    if (external_id != "shop") return std::optional<TenantRef>();
    return std::optional<TenantRef>(TenantRef{"uuid-shop", "shop"});
  }
  Result<std::vector<service::ApiKeyInfo>> Keys(const TenantRef&) override {
    RETURN_IF_ERROR(failure);
    return keys;
  }
  Result<service::ApiKeyInfo> CreateKey(const TenantRef&, const service::NewApiKey& key,
                                        const service::Actor& actor) override {
    RETURN_IF_ERROR(failure);
    new_key = key;
    last_actor = actor;
    keys.push_back({"00000000-0000-4000-8000-00000000000" + std::to_string(keys.size() + 1), key.name, key.prefix, key.roles,
                    "active", "2026-11-01T10:00:00.000000Z", "", ""});
    return keys.back();
  }
  Result<service::ApiKeyInfo> RevokeKey(const TenantRef&, const std::string& key_id,
                                        const service::Actor& actor) override {
    RETURN_IF_ERROR(failure);
    last_actor = actor;
    for (service::ApiKeyInfo& key : keys) {
      if (key.id != key_id) continue;
      key.status = "revoked";
      return key;
    }
    return Status::NotFound("no such key");
  }
  Result<std::vector<service::DoctorCheck>> Diagnose(const service::TenantState&,
                                                     const std::string& surface) override {
    RETURN_IF_ERROR(failure);
    return std::vector<service::DoctorCheck>{{"warn", "signals", "old on " + surface, "rebuild"}};
  }
  Result<service::Activity> RecentActivity(const TenantRef&, int minutes) override {
    RETURN_IF_ERROR(failure);
    return service::Activity{minutes, 3, 7};
  }

  Result<std::optional<service::DocVersion>> Current(const TenantRef&, service::DocKind) override {
    return Unused();
  }
  Result<service::DocVersion> Save(const TenantRef&, service::DocKind, const std::string&,
                                   const std::optional<std::string>&, const std::string&,
                                   const service::Actor&) override {
    return Unused();
  }
  Result<service::DocVersion> Rollback(const TenantRef&, service::DocKind, const std::string&,
                                       const std::optional<std::string>&,
                                       const service::Actor&) override {
    return Unused();
  }
  Result<std::optional<service::DocVersion>> Version(const TenantRef&, service::DocKind,
                                                     const std::string&) override {
    return Unused();
  }
  Result<std::vector<service::DocVersion>> Versions(const TenantRef&, service::DocKind, int,
                                                    int) override {
    return Unused();
  }
  Result<std::string> AuditPage(const TenantRef&, const service::AuditQuery&) override {
    return Unused();
  }
  Result<int64_t> RecordInvalidation(const TenantRef&, const std::vector<std::string>&,
                                     const std::string&, bool, const service::Actor&) override {
    return Unused();
  }
  Result<std::vector<service::EvalReport>> Reports(const TenantRef&, int, int) override {
    return Unused();
  }
  Result<std::optional<service::EvalReport>> Report(const TenantRef&, const std::string&) override {
    return Unused();
  }
  Result<service::SignalVersions> ListSignalVersions(const TenantRef&) override { return Unused(); }
  Result<service::SignalPin> PinSignalVersion(const TenantRef&, int64_t,
                                              const service::Actor&) override {
    return Unused();
  }
  Result<bool> UnpinSignals(const TenantRef&, const service::Actor&) override { return Unused(); }

  Status failure;
  std::vector<service::ApiKeyInfo> keys;
  service::NewApiKey new_key;
  service::Actor last_actor;

 private:
  static Status Unused() { return Status::Internal("not a tenant route's call"); }
};

class FixedAuthenticator : public Authenticator {
 public:
  Result<Caller> Authenticate(const HttpRequest&) const override { return answer; }
  Result<Caller> answer = Caller{"alice", "user", "shop", {"admin"}};
};

class TenantRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tenant = std::make_shared<service::TenantState>();
    tenant->id = "uuid-shop";
    tenant->external_id = "shop";
    tenant->config_etag = "config-etag-1";
    tenant->signals_loaded_at = *ParseRfc3339("2026-11-01T10:00:00Z");
    for (const char* surface : {"home", "default"}) {
      SnapshotBuilder builder(DayOf(NowUs()), 30);
      builder.AddPopularity("a", DayOf(NowUs()), 1);
      builder.AddTag("a", "brand:x");
      tenant->snapshots[surface] = builder.Build();
    }
    auto state = std::make_shared<service::ServingState>();
    state->tenants["shop"] = tenant;
    holder_.Publish(state);
    AddTenantRoutes(router_, auth_, admin_);
  }

  HttpResponse Call(std::string_view method, std::string_view path, std::string_view body = "",
                    std::string_view query = "") {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.query = query;
    request.body = body;
    request.request_id = "7d0c5b3e-0000-4000-8000-000000000001";
    request.remote_ip = "10.1.2.3";
    return router_.Dispatch(request);
  }
  static rapidjson::Document Json(const HttpResponse& response) {
    rapidjson::Document doc;
    doc.Parse(response.body.c_str());
    return doc;
  }
  static std::string Code(const HttpResponse& response) {
    const rapidjson::Document doc = Json(response);
    return doc.IsObject() && doc.HasMember("code") ? doc["code"].GetString() : "";
  }

  KeysRepository repo_;
  service::StateHolder holder_;
  service::AdminService admin_{repo_, holder_, [](const std::string&, bool) {}, "key-secret"};
  FixedAuthenticator auth_;
  Router router_;
};

constexpr const char* kOverview = "/v1/admin/tenants/shop/overview";
constexpr const char* kKeys = "/v1/admin/tenants/shop/keys";
constexpr const char* kKey1 = "00000000-0000-4000-8000-000000000001";

TEST_F(TenantRoutesTest, OverviewShowsTheServedStateActivityAndChecks) {
  auth_.answer = Caller{"viewer", "user", "shop", {"viewer"}};
  const HttpResponse r = Call("GET", kOverview, "", "surface=home");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = Json(r);
  EXPECT_STREQ(doc["tenant_id"].GetString(), "shop");
  EXPECT_STREQ(doc["status"].GetString(), "active");
  EXPECT_STREQ(doc["config_version"].GetString(), "config-etag-1");
  EXPECT_FALSE(doc.HasMember("rules_version"));  // no rules yet
  EXPECT_STREQ(doc["signals_loaded_at"].GetString(), "2026-11-01T10:00:00.000000Z");
  EXPECT_FALSE(doc["warm_started"].GetBool());
  ASSERT_EQ(doc["surfaces"].Size(), 2u);
  EXPECT_STREQ(doc["surfaces"][0]["surface"].GetString(), "default");  // by name
  EXPECT_STREQ(doc["surfaces"][1]["surface"].GetString(), "home");
  EXPECT_EQ(doc["surfaces"][1]["items"].GetInt(), 1);
  EXPECT_EQ(doc["surfaces"][1]["tags"].GetInt(), 1);
  EXPECT_GT(doc["surfaces"][1]["memory_bytes"].GetInt(), 0);
  ASSERT_EQ(doc["checks"].Size(), 1u);
  EXPECT_STREQ(doc["checks"][0]["level"].GetString(), "warn");
  EXPECT_STREQ(doc["checks"][0]["detail"].GetString(), "old on home");
  EXPECT_STREQ(doc["checks"][0]["fix"].GetString(), "rebuild");
  EXPECT_EQ(doc["activity"]["minutes"].GetInt(), 5);
  EXPECT_EQ(doc["activity"]["events"].GetInt(), 3);
  EXPECT_EQ(doc["activity"]["exposures"].GetInt(), 7);
}

TEST_F(TenantRoutesTest, CallersOfOtherTenantsAndUnknownTenantsAreRefused) {
  auth_.answer = Caller{"bob", "api_key", "other", {"admin"}};
  const HttpResponse foreign = Call("GET", kOverview);
  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(foreign.content_type, "application/problem+json");
  EXPECT_EQ(Code(foreign), "RECSYS_FORBIDDEN");
  auth_.answer = Caller{"root", "user", "", {"admin"}};  // bound to no tenant
  EXPECT_EQ(Call("GET", "/v1/admin/tenants/nobody/overview").status, 403);
  auth_.answer = Status::Unauthenticated("missing or invalid credentials");
  EXPECT_EQ(Code(Call("GET", kKeys)), "RECSYS_UNAUTHORIZED");
}

TEST_F(TenantRoutesTest, KeysNeedTheAdminRole) {
  auth_.answer = Caller{"op", "user", "shop", {"operator"}};
  EXPECT_EQ(Code(Call("GET", kKeys)), "RECSYS_FORBIDDEN");
  EXPECT_EQ(Code(Call("POST", kKeys, R"({"roles": ["viewer"]})")), "RECSYS_FORBIDDEN");
  EXPECT_EQ(Code(Call("DELETE", std::string(kKeys) + "/" + kKey1)), "RECSYS_FORBIDDEN");
  EXPECT_TRUE(repo_.keys.empty());
}

TEST_F(TenantRoutesTest, ANewKeyIsShownOnceAndListedWithoutIt) {
  const HttpResponse created =
      Call("POST", kKeys, R"({"name": "backend", "roles": ["viewer", "operator"]})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto doc = Json(created);
  const std::string key = doc["key"].GetString();
  EXPECT_STREQ(doc["api_key"]["id"].GetString(), kKey1);
  EXPECT_STREQ(doc["api_key"]["name"].GetString(), "backend");
  EXPECT_EQ(key.rfind(doc["api_key"]["prefix"].GetString(), 0), 0u);  // the prefix starts it
  EXPECT_NE(repo_.new_key.hash, key);                                 // stored as a hash
  EXPECT_EQ(repo_.last_actor.subject, "alice");
  EXPECT_EQ(repo_.last_actor.ip, "10.1.2.3");

  const HttpResponse listed = Call("GET", kKeys);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.body.find(key), std::string::npos);
  const auto list = Json(listed);
  EXPECT_STREQ(list["tenant_id"].GetString(), "shop");
  ASSERT_EQ(list["keys"].Size(), 1u);
  EXPECT_EQ(list["keys"][0]["roles"].Size(), 2u);
  EXPECT_STREQ(list["keys"][0]["status"].GetString(), "active");
  EXPECT_FALSE(list["keys"][0].HasMember("expires_at"));  // empty fields are left out
  EXPECT_FALSE(list["keys"][0].HasMember("last_used_at"));
}

TEST_F(TenantRoutesTest, ABadKeyRequestIsUnprocessable) {
  EXPECT_EQ(Call("POST", kKeys, R"({"roles": ["owner"]})").status, 422);
  EXPECT_EQ(Call("POST", kKeys, "{").status, 400);
  EXPECT_TRUE(repo_.keys.empty());
}

TEST_F(TenantRoutesTest, RevokingAnswersTheKeyOrNotFound) {
  ASSERT_EQ(Call("POST", kKeys, R"({"roles": ["viewer"]})").status, 201);
  const HttpResponse revoked = Call("DELETE", std::string(kKeys) + "/" + kKey1);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_STREQ(Json(revoked)["status"].GetString(), "revoked");
  const HttpResponse missing = Call("DELETE", std::string(kKeys) + "/00000000-0000-4000-8000-000000000009");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Code(missing), "RECSYS_NOT_FOUND");
}

TEST_F(TenantRoutesTest, AnUnavailableRepositoryIs503) {
  repo_.failure = Status::Unavailable("database down");
  const HttpResponse r = Call("GET", kKeys);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(Code(r), "RECSYS_UNAVAILABLE");
}

}  // namespace
}  // namespace recsys::http
