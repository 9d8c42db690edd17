#include "store/admin_repository.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "store/registry.h"
#include "testing/test_db.h"

namespace recsys::store {
namespace {

using service::DocKind;
using service::DocVersion;
using service::TenantRef;

constexpr const char* kRequestId = "11111111-2222-4333-8444-555555555555";

class AdminRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("admin_repository");
    conn_ = std::make_unique<PgConnection>(db_->Connect());
    ASSERT_TRUE(Registry(*conn_, "ops").CreateTenant("shop", "Shop").ok());
    repo_ = std::make_unique<PgAdminRepository>(db_->url(), "/nonexistent-spill");
    auto tenant = repo_->FindTenant("shop");
    ASSERT_TRUE(tenant.ok() && tenant.value().has_value());
    shop_ = *tenant.value();
    actor_ = {"alice", "user", kRequestId, "10.0.0.7", "curl/8"};
  }

  DocVersion Save(const std::string& document,
                  const std::optional<std::string>& if_match = std::nullopt) {
    auto saved = repo_->Save(shop_, DocKind::kConfig, document, if_match, "why", actor_);
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
    return saved.ok() ? saved.value() : DocVersion{};
  }
  std::string Query(const std::string& sql, const std::vector<PgParam>& params = {}) {
    return testing::QueryOne(*conn_, sql, params);
  }
  // The next NOTIFY payload on `listener` within 3 s ("" when none came).
  static std::string NextNotice(PgConnection& listener) {
    std::string payload;
    testing::WaitFor(
        [&] {
          PQconsumeInput(listener.raw());
          PGnotify* notice = PQnotifies(listener.raw());
          if (notice == nullptr) return false;
          payload = notice->extra;
          PQfreemem(notice);
          return true;
        },
        std::chrono::seconds(3));
    return payload;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<PgConnection> conn_;
  std::unique_ptr<PgAdminRepository> repo_;
  TenantRef shop_;
  service::Actor actor_;
};

TEST_F(AdminRepositoryTest, FindTenantReadsItsRowOrNothing) {
  EXPECT_EQ(shop_.id, Query("SELECT id FROM tenants WHERE external_id = 'shop'"));
  EXPECT_EQ(shop_.external_id, "shop");
  EXPECT_TRUE(shop_.active());
  auto nobody = repo_->FindTenant("nobody");
  ASSERT_TRUE(nobody.ok());
  EXPECT_FALSE(nobody.value().has_value());

  ASSERT_TRUE(Registry(*conn_, "ops").SetTenantStatus("shop", "suspended").ok());
  EXPECT_EQ(repo_->FindTenant("shop").value()->status, service::TenantStatus::kSuspended);
}

TEST_F(AdminRepositoryTest, SaveMakesTheDocumentCurrentWithItsAuditRow) {
  auto none = repo_->Current(shop_, DocKind::kConfig);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none.value().has_value());

  const DocVersion saved = Save(R"({"k": 10})");
  EXPECT_EQ(saved.etag, Query("SELECT encode(sha256('{\"k\": 10}'::jsonb::text::bytea), 'hex')"));
  EXPECT_EQ(saved.document, R"({"k": 10})");
  EXPECT_EQ(saved.created_by, "alice");
  EXPECT_EQ(saved.comment, "why");
  EXPECT_TRUE(saved.current);
  EXPECT_EQ(saved.created_at.size(), std::string("2026-01-01T00:00:00.000000Z").size());

  auto current = repo_->Current(shop_, DocKind::kConfig);
  ASSERT_TRUE(current.ok() && current.value().has_value());
  EXPECT_EQ(current.value()->etag, saved.etag);
  EXPECT_FALSE(repo_->Current(shop_, DocKind::kRules).value().has_value());

  EXPECT_EQ(
      Query("SELECT actor_sub || ' ' || actor_type || ' ' || entity_type || ' ' || "
            "entity_id || ' ' || request_id || ' ' || host(ip) || ' ' || user_agent || "
            "' ' || after_state::text || ' ' || (before_state IS NULL) "
            "FROM audit_log WHERE action = 'config.update'"),
      "alice user config " + saved.etag + " " + kRequestId + " 10.0.0.7 curl/8 {\"k\": 10} true");
}

TEST_F(AdminRepositoryTest, SavingAnIdenticalDocumentReusesItsVersion) {
  const DocVersion first = Save(R"({"k": 10})");
  const DocVersion again = Save(R"({ "k" : 10 })");
  EXPECT_EQ(again.etag, first.etag);
  EXPECT_EQ(Query("SELECT count(*) FROM tenant_config_versions"), "1");
  EXPECT_EQ(Query("SELECT count(*) FROM audit_log WHERE action = 'config.update'"), "2");
}

TEST_F(AdminRepositoryTest, IfMatchMustNameTheCurrentVersion) {
  EXPECT_EQ(
      repo_->Save(shop_, DocKind::kConfig, "{}", "no-current-yet", "", actor_).status().code(),
      StatusCode::kConflict);
  const DocVersion first = Save(R"({"k": 1})");
  EXPECT_EQ(
      repo_->Save(shop_, DocKind::kConfig, R"({"k": 2})", "stale", "", actor_).status().code(),
      StatusCode::kConflict);
  EXPECT_EQ(repo_->Current(shop_, DocKind::kConfig).value()->etag, first.etag);
  EXPECT_EQ(Query("SELECT count(*) FROM tenant_config_versions"), "1");  // rolled back
  EXPECT_TRUE(Save(R"({"k": 2})", first.etag).current);
}

TEST_F(AdminRepositoryTest, RollbackMakesAnEarlierVersionCurrentAgain) {
  const DocVersion first = Save(R"({"k": 1})");
  const DocVersion second = Save(R"({"k": 2})");
  EXPECT_EQ(repo_->Rollback(shop_, DocKind::kConfig, "0000", std::nullopt, actor_).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(
      repo_->Rollback(shop_, DocKind::kConfig, first.etag, first.etag, actor_).status().code(),
      StatusCode::kConflict);

  auto rolled = repo_->Rollback(shop_, DocKind::kConfig, first.etag, second.etag, actor_);
  ASSERT_TRUE(rolled.ok()) << rolled.status().ToString();
  EXPECT_EQ(rolled.value().etag, first.etag);
  EXPECT_EQ(rolled.value().document, R"({"k": 1})");
  EXPECT_TRUE(rolled.value().current);
  EXPECT_EQ(repo_->Current(shop_, DocKind::kConfig).value()->etag, first.etag);
  EXPECT_EQ(Query("SELECT before_state::text || ' ' || (extra->>'previous_version') "
                  "FROM audit_log WHERE action = 'config.rollback'"),
            R"({"k": 2} )" + second.etag);
}

TEST_F(AdminRepositoryTest, VersionsAreListedNewestFirstAndReadOneByOne) {
  const DocVersion first = Save(R"({"k": 1})");
  const DocVersion second = Save(R"({"k": 2})");
  auto versions = repo_->Versions(shop_, DocKind::kConfig, 10, 0);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions.value().size(), 2u);
  EXPECT_EQ(versions.value()[0].etag, second.etag);
  EXPECT_TRUE(versions.value()[0].current);
  EXPECT_EQ(versions.value()[0].document, "");  // listings leave documents out
  EXPECT_EQ(versions.value()[1].etag, first.etag);
  EXPECT_FALSE(versions.value()[1].current);
  auto page = repo_->Versions(shop_, DocKind::kConfig, 1, 1);
  ASSERT_EQ(page.value().size(), 1u);
  EXPECT_EQ(page.value()[0].etag, first.etag);
  EXPECT_TRUE(repo_->Versions(shop_, DocKind::kRules, 10, 0).value().empty());

  auto one = repo_->Version(shop_, DocKind::kConfig, first.etag);
  ASSERT_TRUE(one.ok() && one.value().has_value());
  EXPECT_EQ(one.value()->document, R"({"k": 1})");
  EXPECT_FALSE(one.value()->current);
  EXPECT_FALSE(repo_->Version(shop_, DocKind::kConfig, "0000").value().has_value());
  EXPECT_FALSE(repo_->Version(shop_, DocKind::kRules, first.etag).value().has_value());
}

TEST_F(AdminRepositoryTest, RulesAreVersionedApartFromConfig) {
  auto rules = repo_->Save(shop_, DocKind::kRules, "[]", std::nullopt, "", actor_);
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  EXPECT_EQ(Query("SELECT count(*) FROM tenant_rule_versions"), "1");
  EXPECT_EQ(Query("SELECT count(*) FROM tenant_config_versions"), "0");
  EXPECT_EQ(Query("SELECT count(*) FROM audit_log WHERE action = 'rules.update'"), "1");
  EXPECT_EQ(repo_->Current(shop_, DocKind::kRules).value()->comment, "");
  // The rules table holds arrays only: the database's refusal comes back as an error.
  EXPECT_FALSE(repo_->Save(shop_, DocKind::kRules, "{}", std::nullopt, "", actor_).ok());
}

TEST_F(AdminRepositoryTest, WritesNotifyOtherInstancesOfTheTenant) {
  auto listener = db_->Connect();
  ASSERT_TRUE(listener.Exec("LISTEN recsys_changes").ok());
  const DocVersion first = Save(R"({"k": 1})");
  EXPECT_EQ(NextNotice(listener).rfind(R"({"tenant":"shop","scope":"control","lsn":")", 0), 0u);
  ASSERT_TRUE(repo_->Rollback(shop_, DocKind::kConfig, first.etag, std::nullopt, actor_).ok());
  EXPECT_EQ(NextNotice(listener).rfind(R"({"tenant":"shop","scope":"control","lsn":")", 0), 0u);
  ASSERT_TRUE(repo_->RecordInvalidation(shop_, {"signals"}, "home", true, actor_).ok());
  EXPECT_EQ(NextNotice(listener).rfind(R"({"tenant":"shop","scope":"signals","lsn":")", 0), 0u);
}

TEST_F(AdminRepositoryTest, InvalidationsAreRecordedWithTheirAuditRow) {
  auto id = repo_->RecordInvalidation(shop_, {"config", "rules"}, "", false, actor_);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(Query("SELECT id || ' ' || targets::text || ' ' || (surface IS NULL) || ' ' || "
                  "requested_by_sub FROM cache_invalidation_events"),
            std::to_string(id.value()) + " {config,rules} true alice");
  EXPECT_EQ(Query("SELECT entity_id || ' ' || after_state::text FROM audit_log "
                  "WHERE action = 'cache.invalidate'"),
            std::to_string(id.value()) + R"( {"surface": null, "targets": ["config", "rules"]})");
}

TEST_F(AdminRepositoryTest, AuditPagesAreFilteredAndKeysetPaginated) {
  Save(R"({"k": 1})");
  Save(R"({"k": 2})");
  Save(R"({"k": 3})");
  ASSERT_TRUE(repo_->RecordInvalidation(shop_, {"all"}, "", false, actor_).ok());

  service::AuditQuery query;
  query.limit = 2;
  query.action = "config.update";
  auto page = repo_->AuditPage(shop_, query);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  rapidjson::Document doc;
  doc.Parse(page.value().c_str());
  ASSERT_TRUE(doc.IsObject()) << page.value();
  EXPECT_STREQ(doc["tenant_id"].GetString(), "shop");
  ASSERT_EQ(doc["entries"].Size(), 2u);
  EXPECT_EQ(doc["entries"][0]["after_state"]["k"].GetInt(), 3);
  EXPECT_EQ(doc["entries"][1]["after_state"]["k"].GetInt(), 2);
  EXPECT_STREQ(doc["entries"][0]["ip"].GetString(), "10.0.0.7");
  ASSERT_TRUE(doc.HasMember("next_before") && doc.HasMember("next_before_id"));

  query.before = doc["next_before"].GetString();
  query.before_id = doc["next_before_id"].GetInt64();
  auto rest = repo_->AuditPage(shop_, query);
  ASSERT_TRUE(rest.ok());
  rapidjson::Document last;
  last.Parse(rest.value().c_str());
  ASSERT_EQ(last["entries"].Size(), 1u);
  EXPECT_EQ(last["entries"][0]["after_state"]["k"].GetInt(), 1);
  EXPECT_FALSE(last.HasMember("next_before"));  // a short page is the last

  query = {};
  query.actor = "bob";
  rapidjson::Document none;
  none.Parse(repo_->AuditPage(shop_, query).value().c_str());
  EXPECT_EQ(none["entries"].Size(), 0u);
}

TEST_F(AdminRepositoryTest, KeysAreCreatedListedAndRevokedWithAuditRows) {
  service::NewApiKey key{"backend", {"viewer", "operator"}, 0, "rk_abcd", "hash-1"};
  auto created = repo_->CreateKey(shop_, key, actor_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created.value().prefix, "rk_abcd");
  EXPECT_EQ(created.value().status, "active");
  auto keys = repo_->Keys(shop_);
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys.value().size(), 1u);
  EXPECT_EQ(keys.value()[0].id, created.value().id);
  EXPECT_EQ(keys.value()[0].roles, (std::vector<std::string>{"viewer", "operator"}));

  EXPECT_EQ(repo_->RevokeKey(shop_, "00000000-0000-4000-8000-000000000000", actor_).status().code(),
            StatusCode::kNotFound);
  auto revoked = repo_->RevokeKey(shop_, created.value().id, actor_);
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked.value().status, "revoked");
  EXPECT_EQ(Query("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log"),
            "tenant.create,key.create,key.revoke");
}

TEST_F(AdminRepositoryTest, RecentActivityCountsOnlyTheWindow) {
  ASSERT_TRUE(conn_
                  ->Exec("INSERT INTO interaction_events (tenant_id, occurred_at, event_type, "
                         "item_id) SELECT id, now() - interval '5 minutes', "
                         "'view'::interaction_type, 'a' FROM "
                         "tenants UNION ALL SELECT id, now() - interval '2 hours', 'view', 'b' "
                         "FROM tenants")
                  .ok());
  auto activity = repo_->RecentActivity(shop_, 60);
  ASSERT_TRUE(activity.ok());
  EXPECT_EQ(activity.value().minutes, 60);
  EXPECT_EQ(activity.value().events, 1);
  EXPECT_EQ(activity.value().exposures, 0);
  EXPECT_EQ(repo_->RecentActivity(shop_, 180).value().events, 2);
}

TEST_F(AdminRepositoryTest, AnUnreachableDatabaseIsUnavailable) {
  PgAdminRepository down("postgresql://127.0.0.1:1/none?connect_timeout=1", "/nonexistent-spill");
  EXPECT_EQ(down.FindTenant("shop").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(down.Save(shop_, DocKind::kConfig, "{}", std::nullopt, "", actor_).status().code(),
            StatusCode::kUnavailable);
}

}  // namespace
}  // namespace recsys::store
