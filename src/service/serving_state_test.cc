#include "service/serving_state.h"

#include <gtest/gtest.h>

#include <memory>

#include "core/snapshot.h"

namespace recsys::service {
namespace {

std::shared_ptr<TenantState> Tenant(std::string id, std::string external_id,
                                    TenantStatus status = TenantStatus::kActive) {
  auto tenant = std::make_shared<TenantState>();
  tenant->id = std::move(id);
  tenant->external_id = std::move(external_id);
  tenant->status = status;
  return tenant;
}

std::shared_ptr<const SignalSnapshot> SnapshotWithItem(const std::string& item) {
  SnapshotBuilder builder(/*reference_day=*/20000, /*half_life_days=*/30);
  builder.AddPopularity(item, 20000, 1.0);
  return builder.Build();
}

TEST(ServingStateTest, FindActiveSkipsSuspendedAndUnknownTenants) {
  ServingState state;
  state.tenants.emplace("shop", Tenant("u-1", "shop"));
  state.tenants.emplace("gone", Tenant("u-2", "gone", TenantStatus::kSuspended));
  EXPECT_EQ(state.FindActive("shop")->id, "u-1");
  EXPECT_EQ(state.FindActive("gone"), nullptr);
  EXPECT_NE(state.Find("gone"), nullptr);
  EXPECT_EQ(state.FindActive("nobody"), nullptr);
}

TEST(ServingStateTest, ActiveTenantsByIdHoldsOnlyActiveTenantsKeyedByUuid) {
  ServingState state;
  state.tenants.emplace("shop", Tenant("u-1", "shop"));
  state.tenants.emplace("gone", Tenant("u-2", "gone", TenantStatus::kSuspended));
  state.tenants.emplace("other", Tenant("u-3", "other"));
  const ServingState::TenantsById by_id = state.ActiveTenantsById();
  ASSERT_EQ(by_id.size(), 2u);
  EXPECT_EQ(by_id.at("u-1")->external_id, "shop");
  EXPECT_EQ(by_id.at("u-3")->external_id, "other");
  EXPECT_EQ(by_id.count("u-2"), 0u);
}

TEST(ServingStateTest, ASurfaceWithoutSignalsFallsBackToTheDefaultNamespace) {
  auto tenant = Tenant("u-1", "shop");
  tenant->snapshots.emplace("default", SnapshotWithItem("a"));
  tenant->snapshots.emplace("pdp", SnapshotWithItem("b"));
  bool fell_back = true;
  EXPECT_EQ(tenant->SnapshotFor("pdp", &fell_back)->item_id(0), "b");
  EXPECT_FALSE(fell_back);
  EXPECT_EQ(tenant->SnapshotFor("home", &fell_back)->item_id(0), "a");
  EXPECT_TRUE(fell_back);
  tenant->snapshots.erase("default");
  EXPECT_EQ(tenant->SnapshotFor("home", &fell_back), nullptr);
  EXPECT_FALSE(fell_back);
}

TEST(ServingStateTest, ReloadCoversListedTenantsOrAll) {
  SignalReload some;
  some.tenants = {"shop"};
  EXPECT_TRUE(some.Covers("shop"));
  EXPECT_FALSE(some.Covers("other"));
  EXPECT_TRUE(SignalReload::All().Covers("other"));
  EXPECT_TRUE(SignalReload().empty());
  EXPECT_FALSE(some.empty());
}

}  // namespace
}  // namespace recsys::service
