// The catalog use case in memory: a hand-built state and a fake store.
#include "service/catalog_service.h"

#include <gtest/gtest.h>

#include <memory>

namespace recsys::service {
namespace {

class FakeCatalogStore : public CatalogStore {
 public:
  Status Upsert(const CatalogTenant& tenant, std::span<const CatalogItem> items, int rejected,
                const Actor&) override {
    if (!fail.ok()) return fail;
    tenant_id = tenant.id;
    upserted.assign(items.begin(), items.end());
    rejected_count = rejected;
    return Status::Ok();
  }
  Status Remove(const CatalogTenant& tenant, const std::string& ns, const std::string& item_id,
                const Actor&) override {
    if (!fail.ok()) return fail;
    tenant_id = tenant.id;
    removed = ns + "/" + item_id;
    return Status::Ok();
  }

  Status fail;
  std::string tenant_id, removed;
  std::vector<CatalogItem> upserted;
  int rejected_count = -1;
};

class CatalogServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto state = std::make_shared<ServingState>();
    for (auto [id, external_id, status] :
         {std::tuple{"u-shop", "shop", TenantStatus::kActive},
          std::tuple{"u-gone", "gone", TenantStatus::kSuspended}}) {
      auto tenant = std::make_shared<TenantState>();
      tenant->id = id;
      tenant->external_id = external_id;
      tenant->status = status;
      state->tenants.emplace(external_id, std::move(tenant));
    }
    holder_.Publish(std::move(state));
  }

  StateHolder holder_;
  FakeCatalogStore store_;
  CatalogService catalog_{holder_, store_};
  const Actor actor_{"tester", "user", "", "", ""};
};

TEST_F(CatalogServiceTest, ValidItemsAreWrittenAndBadOnesReportedByIndex) {
  auto result = catalog_.Put(
      "shop", R"({"items": [{"item_id": "a", "tags": ["brand:x"]}, {"item_id": ""}]})", actor_);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result.value().upserted, 1);
  ASSERT_EQ(result.value().rejected.size(), 1u);
  EXPECT_EQ(result.value().rejected[0].index, 1);
  EXPECT_EQ(store_.tenant_id, "u-shop");
  ASSERT_EQ(store_.upserted.size(), 1u);
  EXPECT_EQ(store_.upserted[0].item_id, "a");
  EXPECT_EQ(store_.rejected_count, 1);
}

TEST_F(CatalogServiceTest, ABatchWithNoValidItemWritesNothing) {
  auto result = catalog_.Put("shop", R"({"items": [{"item_id": ""}]})", actor_);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().upserted, 0);
  EXPECT_EQ(store_.rejected_count, -1);  // the store was not called
}

TEST_F(CatalogServiceTest, RefusalsKeepTheirKind) {
  EXPECT_EQ(catalog_.Put("gone", R"({"items": [{"item_id": "a"}]})", actor_).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(catalog_.Put("nobody", R"({"items": [{"item_id": "a"}]})", actor_).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(catalog_.Put("shop", "[]", actor_).status().code(), StatusCode::kInvalidArgument);
  store_.fail = Status::Unavailable("database down");
  EXPECT_EQ(catalog_.Put("shop", R"({"items": [{"item_id": "a"}]})", actor_).status().code(),
            StatusCode::kUnavailable);
}

TEST_F(CatalogServiceTest, RemoveChecksTheItemIdAndNamespaceBeforeTheStore) {
  ASSERT_TRUE(catalog_.Remove("shop", "a", "pdp", actor_).ok());
  EXPECT_EQ(store_.removed, "pdp/a");
  EXPECT_EQ(catalog_.Remove("shop", "", "default", actor_).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_.Remove("shop", "a", std::string(65, 'n'), actor_).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_.Remove("gone", "a", "default", actor_).code(), StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace recsys::service
