#include "store/registry.h"

#include <gtest/gtest.h>

#include <regex>

#include "testing/test_db.h"

namespace recsys::store {
namespace {

constexpr const char* kSecret = "registry-secret-0123456789";

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("registry");
    conn_ = std::make_unique<PgConnection>(db_->Connect());
    registry_ = std::make_unique<Registry>(*conn_, "ops");
    ASSERT_TRUE(registry_->CreateTenant("shop", "Shop").ok());
  }
  std::string Audit(const std::string& action) {
    return testing::QueryOne(*conn_,
                             "SELECT count(*) || ' ' || min(actor_sub) || ' ' || min(actor_type) "
                             "FROM audit_log WHERE action = $1",
                             {action});
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<PgConnection> conn_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(RegistryTest, TenantsAreCreatedOnceListedAndAudited) {
  EXPECT_EQ(registry_->CreateTenant("shop", "Again").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(registry_->CreateTenant("", "").status().code(), StatusCode::kInvalidArgument);
  auto rows = registry_->ListTenants();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows.value().size(), 1u);
  EXPECT_TRUE(std::regex_match(
      rows.value()[0], std::regex(R"(shop  active  Shop  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)")))
      << rows.value()[0];
  EXPECT_EQ(Audit("tenant.create"), "1 ops cli");
}

TEST_F(RegistryTest, StatusChangesAreCheckedAndAudited) {
  EXPECT_EQ(registry_->SetTenantStatus("shop", "paused").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_->SetTenantStatus("nobody", "suspended").code(), StatusCode::kNotFound);
  ASSERT_TRUE(registry_->SetTenantStatus("shop", "suspended").ok());
  EXPECT_EQ(testing::QueryOne(*conn_, "SELECT status FROM tenants WHERE external_id = 'shop'"),
            "suspended");
  EXPECT_EQ(Audit("tenant.status"), "1 ops cli");
}

TEST_F(RegistryTest, KeysAreCreatedListedLikeTheAdminApiAndRevoked) {
  EXPECT_EQ(registry_->CreateKey("shop", "k", {"viewer"}, 0, "short").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_->CreateKey("shop", "k", {"owner"}, 0, kSecret).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_->CreateKey("nobody", "k", {"viewer"}, 0, kSecret).status().code(),
            StatusCode::kNotFound);
  auto key = registry_->CreateKey("shop", "backend", {"viewer", "operator"}, 30, kSecret);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key.value().raw_key.rfind(key.value().prefix, 0), 0u);  // shown once, prefix first
  EXPECT_EQ(testing::QueryOne(*conn_, "SELECT count(*) FROM tenant_api_keys WHERE key_hash = $1",
                              {key.value().raw_key}),
            "0");  // stored only as a hash

  auto rows = registry_->ListKeys("shop");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows.value().size(), 1u);
  EXPECT_EQ(rows.value()[0],
            key.value().id + "  " + key.value().prefix + "  backend  viewer,operator  active  -");
  EXPECT_EQ(registry_->ListKeys("nobody").status().code(), StatusCode::kNotFound);

  EXPECT_EQ(registry_->RevokeKey("not-a-uuid").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_->RevokeKey("00000000-0000-4000-8000-000000000000").code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(registry_->RevokeKey(key.value().id).ok());
  EXPECT_NE(registry_->ListKeys("shop").value()[0].find("  revoked  "), std::string::npos);
  EXPECT_EQ(Audit("key.revoke"), "1 ops cli");
}

}  // namespace
}  // namespace recsys::store
