// The admin use cases in memory: an in-memory repository with the real one's version and ETag
// rules, no HTTP, no database.
#include "service/admin_service.h"

#include <gtest/gtest.h>

#include <map>

namespace recsys::service {
namespace {

class FakeAdminRepository : public AdminRepository {
 public:
  FakeAdminRepository() {
    tenants_["shop"] = {"00000000-0000-4000-8000-000000000001", "shop", TenantStatus::kActive};
    tenants_["closed"] = {"00000000-0000-4000-8000-000000000002", "closed",
                          TenantStatus::kSuspended};
  }

  Result<std::optional<TenantRef>> FindTenant(const std::string& external_id) override {
    RETURN_IF_ERROR(failure);
    auto it = tenants_.find(external_id);
    if (it == tenants_.end()) return std::optional<TenantRef>();
    return std::optional<TenantRef>(it->second);
  }
  Result<std::optional<DocVersion>> Current(const TenantRef& tenant, DocKind kind) override {
    RETURN_IF_ERROR(failure);
    const Docs& docs = docs_[{tenant.id, kind}];
    if (docs.current < 0) return std::optional<DocVersion>();
    return std::optional<DocVersion>(docs.versions[docs.current]);
  }
  Result<DocVersion> Save(const TenantRef& tenant, DocKind kind, const std::string& document,
                          const std::optional<std::string>& if_match, const std::string& comment,
                          const Actor&) override {
    RETURN_IF_ERROR(failure);
    Docs& docs = docs_[{tenant.id, kind}];
    RETURN_IF_ERROR(CheckIfMatch(docs, if_match));
    for (size_t i = 0; i < docs.versions.size(); ++i) {
      if (docs.versions[i].document == document) return MakeCurrent(docs, static_cast<int>(i));
    }
    docs.versions.push_back({"etag-" + std::to_string(++next_etag_), document, "", "", comment});
    return MakeCurrent(docs, static_cast<int>(docs.versions.size()) - 1);
  }
  Result<DocVersion> Rollback(const TenantRef& tenant, DocKind kind, const std::string& etag,
                              const std::optional<std::string>& if_match, const Actor&) override {
    RETURN_IF_ERROR(failure);
    Docs& docs = docs_[{tenant.id, kind}];
    RETURN_IF_ERROR(CheckIfMatch(docs, if_match));
    for (size_t i = 0; i < docs.versions.size(); ++i) {
      if (docs.versions[i].etag == etag) return MakeCurrent(docs, static_cast<int>(i));
    }
    return Status::NotFound("no version " + etag);
  }
  Result<std::optional<DocVersion>> Version(const TenantRef& tenant, DocKind kind,
                                            const std::string& etag) override {
    RETURN_IF_ERROR(failure);
    for (const DocVersion& v : docs_[{tenant.id, kind}].versions) {
      if (v.etag == etag) return std::optional<DocVersion>(v);
    }
    return std::optional<DocVersion>();
  }
  Result<std::vector<DocVersion>> Versions(const TenantRef& tenant, DocKind kind, int limit,
                                           int offset) override {
    RETURN_IF_ERROR(failure);
    last_page = {limit, offset};
    const Docs& docs = docs_[{tenant.id, kind}];
    return std::vector<DocVersion>(docs.versions.rbegin(), docs.versions.rend());
  }
  Result<std::string> AuditPage(const TenantRef&, const AuditQuery& query) override {
    RETURN_IF_ERROR(failure);
    last_audit = query;
    return std::string(R"({"entries": []})");
  }
  Result<int64_t> RecordInvalidation(const TenantRef&, const std::vector<std::string>& targets,
                                     const std::string&, bool signals, const Actor&) override {
    RETURN_IF_ERROR(failure);
    invalidated_targets = targets;
    invalidated_signals = signals;
    return ++next_event_;
  }

  Result<std::vector<EvalReport>> Reports(const TenantRef&, int limit, int offset) override {
    RETURN_IF_ERROR(failure);
    last_page = {limit, offset};
    return reports;
  }
  Result<std::optional<EvalReport>> Report(const TenantRef&, const std::string& id) override {
    RETURN_IF_ERROR(failure);
    for (const EvalReport& r : reports) {
      if (r.id == id) return std::optional<EvalReport>(r);
    }
    return std::optional<EvalReport>();
  }

  Result<std::vector<ApiKeyInfo>> Keys(const TenantRef&) override {
    RETURN_IF_ERROR(failure);
    return keys;
  }
  Result<ApiKeyInfo> CreateKey(const TenantRef&, const NewApiKey& key, const Actor&) override {
    RETURN_IF_ERROR(failure);
    last_new_key = key;
    keys.push_back({"11111111-2222-4333-8444-00000000000" + std::to_string(keys.size()), key.name,
                    key.prefix, key.roles, "active", "", "", ""});
    return keys.back();
  }
  Result<ApiKeyInfo> RevokeKey(const TenantRef&, const std::string& key_id, const Actor&) override {
    RETURN_IF_ERROR(failure);
    for (ApiKeyInfo& key : keys) {
      if (key.id != key_id) continue;
      key.status = "revoked";
      return key;
    }
    return Status::NotFound("no such key");
  }
  Result<std::vector<DoctorCheck>> Diagnose(const TenantState&,
                                            const std::string& surface) override {
    RETURN_IF_ERROR(failure);
    return std::vector<DoctorCheck>{{"ok", "signals", "for " + surface, ""}};
  }
  Result<Activity> RecentActivity(const TenantRef&, int minutes) override {
    RETURN_IF_ERROR(failure);
    return Activity{minutes, 12, 34};
  }

  Result<SignalVersions> ListSignalVersions(const TenantRef&) override {
    RETURN_IF_ERROR(failure);
    return signals;
  }
  Result<SignalPin> PinSignalVersion(const TenantRef&, int64_t version, const Actor&) override {
    RETURN_IF_ERROR(failure);
    for (const SignalVersionInfo& kept : signals.versions) {
      if (kept.version == version) signals.pin.version = version;
    }
    if (signals.pin.version != version) return Status::NotFound("no such version");
    return signals.pin;
  }
  Result<bool> UnpinSignals(const TenantRef&, const Actor&) override {
    RETURN_IF_ERROR(failure);
    const bool pinned = signals.pin.version != 0;
    signals.pin = {};
    return pinned;
  }

  Status failure;  // every call fails with it when not OK
  SignalVersions signals;
  std::vector<EvalReport> reports;
  std::vector<ApiKeyInfo> keys;
  NewApiKey last_new_key;
  std::pair<int, int> last_page{0, 0};
  AuditQuery last_audit;
  std::vector<std::string> invalidated_targets;
  bool invalidated_signals = false;

 private:
  struct Docs {
    std::vector<DocVersion> versions;
    int current = -1;
  };
  static Status CheckIfMatch(const Docs& docs, const std::optional<std::string>& if_match) {
    if (!if_match) return Status::Ok();
    if (docs.current < 0 || docs.versions[docs.current].etag != *if_match) {
      return Status::Conflict("If-Match is not the current version");
    }
    return Status::Ok();
  }
  static DocVersion MakeCurrent(Docs& docs, int index) {
    for (DocVersion& v : docs.versions) v.current = false;
    docs.current = index;
    docs.versions[index].current = true;
    return docs.versions[index];
  }

  std::map<std::string, TenantRef> tenants_;
  std::map<std::pair<std::string, DocKind>, Docs> docs_;
  int next_etag_ = 0;
  int64_t next_event_ = 0;
};

class AdminServiceTest : public ::testing::Test {
 protected:
  TenantRef Shop() { return admin_.Tenant("shop").value(); }

  FakeAdminRepository repo_;
  StateHolder state_;
  std::vector<std::pair<std::string, bool>> reloads_;
  AdminService::ReloadFn RecordReload() {
    return
        [this](const std::string& tenant, bool signals) { reloads_.emplace_back(tenant, signals); };
  }
  AdminService admin_{repo_, state_, RecordReload(), "key-secret"};
  const Actor actor_{"tester", "user", "req-1", "127.0.0.1", "test"};
};

TEST_F(AdminServiceTest, UnknownAndSuspendedTenantsAreOneRefusal) {
  EXPECT_TRUE(admin_.Tenant("shop").ok());
  for (const char* tenant : {"closed", "nobody"}) {
    auto refused = admin_.Tenant(tenant);
    EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied) << tenant;
    EXPECT_EQ(refused.status().message(), kTenantNotServable);
  }
}

TEST_F(AdminServiceTest, AConfigIsValidatedSavedAndReloadedHere) {
  EXPECT_EQ(admin_.Get(Shop(), DocKind::kConfig).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(admin_.Put(Shop(), DocKind::kConfig, "{", std::nullopt, actor_).status().code(),
            StatusCode::kInvalidArgument);
  auto broken =
      admin_.Put(Shop(), DocKind::kConfig, R"({"weights": {"pop": -1}})", std::nullopt, actor_);
  EXPECT_EQ(broken.status().code(), StatusCode::kUnprocessable);
  EXPECT_STREQ(broken.status().reason(), "RECSYS_INVALID_CONFIG");
  EXPECT_TRUE(reloads_.empty());

  auto saved =
      admin_.Put(Shop(), DocKind::kConfig, R"({"weights": {"pop": 1}})", std::nullopt, actor_);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(admin_.Get(Shop(), DocKind::kConfig).value().etag, saved.value().etag);
  ASSERT_EQ(reloads_.size(), 1u);
  EXPECT_EQ(reloads_[0], (std::pair<std::string, bool>{"shop", false}));

  auto stale = admin_.Put(Shop(), DocKind::kConfig, R"({"weights": {"pop": 2}})",
                          std::string("etag-old"), actor_);
  EXPECT_EQ(stale.status().code(), StatusCode::kConflict);
}

TEST_F(AdminServiceTest, RulesGetIdsAndBadRulesNameTheirCode) {
  auto saved = admin_.Put(Shop(), DocKind::kRules,
                          R"([{"action": "pin", "target_type": "item", "item_ids": ["a"]}])",
                          std::nullopt, actor_);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_NE(saved.value().document.find(R"("id")"), std::string::npos);
  auto bad =
      admin_.Put(Shop(), DocKind::kRules, R"([{"action": "explode"}])", std::nullopt, actor_);
  EXPECT_EQ(bad.status().code(), StatusCode::kUnprocessable);
  EXPECT_STREQ(bad.status().reason(), "RECSYS_INVALID_RULES");
}

TEST_F(AdminServiceTest, RollbackNeedsAVersionThatExists) {
  auto first =
      admin_.Put(Shop(), DocKind::kConfig, R"({"weights": {"pop": 1}})", std::nullopt, actor_);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(
      admin_.Put(Shop(), DocKind::kConfig, R"({"weights": {"pop": 2}})", std::nullopt, actor_)
          .ok());
  EXPECT_EQ(admin_.Rollback(Shop(), DocKind::kConfig, "[]", std::nullopt, actor_).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(admin_.Rollback(Shop(), DocKind::kConfig, "{}", std::nullopt, actor_).status().code(),
            StatusCode::kUnprocessable);
  EXPECT_EQ(
      admin_.Rollback(Shop(), DocKind::kConfig, R"({"version": "etag-99"})", std::nullopt, actor_)
          .status()
          .code(),
      StatusCode::kNotFound);
  auto back =
      admin_.Rollback(Shop(), DocKind::kConfig, R"({"version": ")" + first.value().etag + R"("})",
                      std::nullopt, actor_);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(admin_.Get(Shop(), DocKind::kConfig).value().etag, first.value().etag);
}

TEST_F(AdminServiceTest, AVersionIsFoundByItsETagWithItsDocument) {
  auto saved =
      admin_.Put(Shop(), DocKind::kConfig, R"({"weights": {"pop": 2}})", std::nullopt, actor_);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  auto version = admin_.Version(Shop(), DocKind::kConfig, saved.value().etag);
  ASSERT_TRUE(version.ok());
  EXPECT_NE(version.value().document.find("\"pop\""), std::string::npos);
  EXPECT_EQ(admin_.Version(Shop(), DocKind::kConfig, "nope").status().code(),
            StatusCode::kNotFound);
}

TEST_F(AdminServiceTest, PagingParametersAreCheckedBeforeTheRepositorySeesThem) {
  EXPECT_EQ(admin_.Versions(Shop(), DocKind::kConfig, "0", "").status().code(),
            StatusCode::kUnprocessable);
  EXPECT_EQ(admin_.Versions(Shop(), DocKind::kConfig, "10", "-1").status().code(),
            StatusCode::kUnprocessable);
  ASSERT_TRUE(admin_.Versions(Shop(), DocKind::kConfig, "10", "20").ok());
  EXPECT_EQ(repo_.last_page, (std::pair<int, int>{10, 20}));
  ASSERT_TRUE(admin_.Versions(Shop(), DocKind::kConfig, "", "").ok());
  EXPECT_EQ(repo_.last_page, (std::pair<int, int>{50, 0}));

  EXPECT_EQ(admin_.Audit(Shop(), "201", "", "").status().code(), StatusCode::kUnprocessable);
  EXPECT_EQ(admin_.Audit(Shop(), "", "yesterday", "").status().code(), StatusCode::kUnprocessable);
  EXPECT_EQ(admin_.Audit(Shop(), "", "", "7").status().code(), StatusCode::kUnprocessable);
  ASSERT_TRUE(admin_.Audit(Shop(), "5", "2026-11-29T10:00:00Z", "7").ok());
  EXPECT_EQ(repo_.last_audit.limit, 5);
  EXPECT_EQ(repo_.last_audit.before, "2026-11-29T10:00:00Z");
  EXPECT_EQ(repo_.last_audit.before_id, 7);
}

TEST_F(AdminServiceTest, ReportsArePagedAndFoundOnlyByTheirUuid) {
  const std::string id = "11111111-2222-4333-8444-555555555555";
  repo_.reports.push_back({id, "offline", "t", "", "cli", "{}", "{}", "# t", "<html>"});
  EXPECT_EQ(admin_.Reports(Shop(), "0", "").status().code(), StatusCode::kUnprocessable);
  ASSERT_TRUE(admin_.Reports(Shop(), "10", "5").ok());
  EXPECT_EQ(repo_.last_page, (std::pair<int, int>{10, 5}));
  auto found = admin_.Report(Shop(), id);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found.value().html, "<html>");
  EXPECT_EQ(admin_.Report(Shop(), "not-a-uuid").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(admin_.Report(Shop(), "11111111-2222-4333-8444-000000000000").status().code(),
            StatusCode::kNotFound);
}

TEST_F(AdminServiceTest, KeysAreCreatedWithValidRolesShownOnceAndRevokedByTheirTenant) {
  for (const char* body : {R"({"roles": []})", R"({"roles": ["root"]})", R"({"name": "x"})",
                           R"({"roles": ["viewer"], "expires_in_days": -1})"}) {
    EXPECT_EQ(admin_.CreateKey(Shop(), body, actor_).status().code(), StatusCode::kUnprocessable)
        << body;
  }
  EXPECT_EQ(admin_.CreateKey(Shop(), "[1]", actor_).status().code(), StatusCode::kInvalidArgument);
  auto created =
      admin_.CreateKey(Shop(), R"({"name": "ci", "roles": ["viewer", "operator"]})", actor_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created.value().key.rfind("rk_", 0), 0u);
  // The repository gets the prefix and the keyed hash, never the key.
  EXPECT_EQ(repo_.last_new_key.prefix,
            created.value().key.substr(0, repo_.last_new_key.prefix.size()));
  EXPECT_EQ(repo_.last_new_key.hash.find(created.value().key), std::string::npos);
  EXPECT_EQ(repo_.last_new_key.roles, (std::vector<std::string>{"viewer", "operator"}));
  EXPECT_EQ(reloads_.back(), (std::pair<std::string, bool>{"shop", false}));
  ASSERT_TRUE(admin_.RevokeKey(Shop(), created.value().info.id, actor_).ok());
  EXPECT_EQ(admin_.Keys(Shop()).value().front().status, "revoked");
  EXPECT_EQ(admin_.RevokeKey(Shop(), "not-a-uuid", actor_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(
      admin_.RevokeKey(Shop(), "11111111-2222-4333-8444-999999999999", actor_).status().code(),
      StatusCode::kNotFound);

  AdminService no_secret(repo_, state_, RecordReload());
  EXPECT_EQ(no_secret.CreateKey(Shop(), R"({"roles": ["viewer"]})", actor_).status().code(),
            StatusCode::kUnavailable);
}

TEST_F(AdminServiceTest, TheOverviewShowsThePublishedStateAndRecentActivity) {
  auto state = std::make_shared<ServingState>();
  auto tenant = std::make_shared<TenantState>();
  tenant->id = "00000000-0000-4000-8000-000000000001";
  tenant->external_id = "shop";
  tenant->config_etag = "c1";
  SnapshotBuilder builder(20000, 30);
  builder.AddTag("a", "brand:x");
  builder.AddPopularity("b", 20000, 1);
  tenant->snapshots["home"] = builder.Build();
  state->tenants["shop"] = tenant;
  state_.Publish(state);
  auto overview = admin_.Overview(Shop());
  ASSERT_TRUE(overview.ok()) << overview.status().ToString();
  EXPECT_EQ(overview.value().config_etag, "c1");
  ASSERT_EQ(overview.value().surfaces.size(), 1u);
  EXPECT_EQ(overview.value().surfaces[0].name, "home");
  EXPECT_EQ(overview.value().surfaces[0].items, 2u);
  EXPECT_EQ(overview.value().activity.events, 12);
  EXPECT_EQ(overview.value().activity.minutes, 5);
  ASSERT_EQ(overview.value().checks.size(), 1u);
  EXPECT_EQ(overview.value().checks[0].detail, "for default");
  EXPECT_EQ(admin_.Overview(Shop(), "home").value().checks[0].detail, "for home");
}

TEST_F(AdminServiceTest, AuditFiltersReachTheRepository) {
  ASSERT_TRUE(admin_.Audit(Shop(), "", "", "", "config.update", "alice").ok());
  EXPECT_EQ(repo_.last_audit.action, "config.update");
  EXPECT_EQ(repo_.last_audit.actor, "alice");
  ASSERT_TRUE(admin_.Audit(Shop(), "", "", "").ok());
  EXPECT_FALSE(repo_.last_audit.action.has_value());
}

TEST_F(AdminServiceTest, InvalidationChecksTargetsAndReloadsSignalsOnlyWhenNamed) {
  auto bad = admin_.Invalidate(Shop(), R"({"targets": ["config", "cache"]})", actor_);
  EXPECT_EQ(bad.status().code(), StatusCode::kUnprocessable);
  EXPECT_STREQ(bad.status().reason(), "RECSYS_INVALID_TARGETS");
  EXPECT_EQ(admin_.Invalidate(Shop(), R"({"targets": []})", actor_).status().code(),
            StatusCode::kUnprocessable);
  EXPECT_EQ(
      admin_.Invalidate(Shop(), R"({"targets": ["config"], "surface": 1})", actor_).status().code(),
      StatusCode::kInvalidArgument);

  auto config = admin_.Invalidate(Shop(), R"({"targets": ["config", "config"]})", actor_);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config.value().targets, std::vector<std::string>{"config"});
  EXPECT_FALSE(repo_.invalidated_signals);
  EXPECT_EQ(reloads_.back(), (std::pair<std::string, bool>{"shop", false}));

  auto all = admin_.Invalidate(Shop(), R"({"targets": ["all"]})", actor_);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.value().targets.size(), 5u);
  EXPECT_TRUE(repo_.invalidated_signals);
  EXPECT_EQ(reloads_.back(), (std::pair<std::string, bool>{"shop", true}));
  EXPECT_GT(all.value().event_id, config.value().event_id);
}

SignalVersionInfo Kept(int64_t version) {
  SignalVersionInfo kept;
  kept.version = version;
  return kept;
}

TEST_F(AdminServiceTest, ASignalRollbackNeedsAKeptVersionNumberAndReloadsSignalsHere) {
  repo_.signals.versions = {Kept(2), Kept(1)};
  for (const char* body :
       {R"({})", R"({"version": "1"})", R"({"version": 0})", R"({"version": 1.5})"}) {
    EXPECT_EQ(admin_.RollbackSignals(Shop(), body, actor_).status().code(),
              StatusCode::kUnprocessable)
        << body;
  }
  EXPECT_EQ(admin_.RollbackSignals(Shop(), R"({"version": 3})", actor_).status().code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(reloads_.empty());
  auto pinned = admin_.RollbackSignals(Shop(), R"({"version": 1})", actor_);
  ASSERT_TRUE(pinned.ok()) << pinned.status().ToString();
  EXPECT_EQ(pinned.value().version, 1);
  EXPECT_EQ(admin_.ListSignalVersions(Shop()).value().pin.version, 1);
  ASSERT_EQ(reloads_.size(), 1u);
  EXPECT_EQ(reloads_[0], (std::pair<std::string, bool>{"shop", true}));
}

TEST_F(AdminServiceTest, UnpinningReloadsOnlyATenantThatWasPinned) {
  repo_.signals.versions = {Kept(1)};
  EXPECT_FALSE(admin_.UnpinSignals(Shop(), actor_).value());
  EXPECT_TRUE(reloads_.empty());
  ASSERT_TRUE(admin_.RollbackSignals(Shop(), R"({"version": 1})", actor_).ok());
  EXPECT_TRUE(admin_.UnpinSignals(Shop(), actor_).value());
  EXPECT_EQ(reloads_.size(), 2u);
  EXPECT_EQ(admin_.ListSignalVersions(Shop()).value().pin.version, 0);
}

TEST_F(AdminServiceTest, StorageErrorsReachCallersWithoutTheDatabasesDetails) {
  const TenantRef shop = Shop();
  repo_.failure = Status::Unavailable("connection to 10.0.0.5:5432 refused");
  auto down = admin_.Get(shop, DocKind::kConfig);
  EXPECT_EQ(down.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(down.status().message(), "the database is unavailable; retry later");
  repo_.failure = Status::Internal("duplicate key value violates unique constraint");
  auto odd = admin_.Put(shop, DocKind::kConfig, "{}", std::nullopt, actor_);
  EXPECT_EQ(odd.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(odd.status().message(), "storage error; retry later");
  EXPECT_TRUE(reloads_.empty());
}

}  // namespace
}  // namespace recsys::service
