#include "service/live_registry.h"

#include <gtest/gtest.h>

#include "core/signal_view.h"

namespace recsys::service {
namespace {

constexpr int32_t kToday = 20400;
constexpr TimestampUs kNow = kToday * kMicrosPerDay + 3600LL * 1000000;

std::shared_ptr<TenantState> Tenant(const std::string& id) {
  auto tenant = std::make_shared<TenantState>();
  tenant->id = id;
  tenant->external_id = "ext-" + id;
  return tenant;
}

std::shared_ptr<const SignalSnapshot> Base(const std::string& item) {
  SnapshotBuilder builder(kToday, 30);
  builder.SetThroughDay(kToday - 1);
  builder.AddPopularity(item, kToday - 1, 10);
  return builder.Build();
}

ServingState StateOf(std::initializer_list<std::shared_ptr<TenantState>> tenants) {
  ServingState state;
  for (const auto& tenant : tenants) state.tenants.emplace(tenant->external_id, tenant);
  return state;
}

LiveEvent View(const char* item, int64_t id) {
  return {item, "s:1", EventType::kView, kNow + id, id};
}

TEST(LiveRegistryTest, ALayerIsMadeOnItsNamespacesFirstEventOverItsSnapshot) {
  LiveRegistry registry(1 << 20);
  auto tenant = Tenant("t1");
  tenant->snapshots["home"] = Base("old");
  EXPECT_EQ(registry.Find("t1", "home"), nullptr);
  const LiveEvent event = View("new", 1);
  EXPECT_EQ(registry.Apply(*tenant, "home", {&event, 1}, kNow), 1u);
  auto layer = registry.Find("t1", "home");
  ASSERT_NE(layer, nullptr);
  EXPECT_EQ(layer->base(), tenant->snapshots["home"]);
  EXPECT_EQ(registry.Find("t1", "other"), nullptr);
  EXPECT_EQ(registry.Find("t2", "home"), nullptr);
  EXPECT_EQ(registry.layers(), 1u);
  EXPECT_GT(registry.MemoryBytes(), 0u);

  // A namespace with no snapshot yet starts from an empty base of closed days.
  EXPECT_EQ(registry.Apply(*tenant, "fresh", {&event, 1}, kNow), 1u);
  EXPECT_TRUE(registry.Find("t1", "fresh")->base()->empty());
  EXPECT_EQ(registry.Find("t1", "fresh")->base()->through_day(), kToday - 1);
}

TEST(LiveRegistryTest, SyncGivesLayersTheirTenantsNewSnapshotsAndDropsGoneTenants) {
  LiveRegistry registry(1 << 20);
  auto t1 = Tenant("t1"), t2 = Tenant("t2");
  const LiveEvent event = View("a", 1);
  registry.Apply(*t1, "default", {&event, 1}, kNow);
  registry.Apply(*t2, "default", {&event, 1}, kNow);
  auto next = Tenant("t1");
  next->snapshots["default"] = Base("b");
  registry.Sync(StateOf({next}));
  ASSERT_NE(registry.Find("t1", "default"), nullptr);
  EXPECT_EQ(registry.Find("t1", "default")->base(), next->snapshots["default"]);
  EXPECT_EQ(registry.Find("t2", "default"), nullptr);
  EXPECT_TRUE(registry.TakeRefolds().empty());
}

TEST(LiveRegistryTest, NewEventWeightsDropTheTenantsLayersToFoldAgain) {
  LiveRegistry registry(1 << 20);
  auto tenant = Tenant("t1");
  const LiveEvent event = View("a", 1);
  registry.Apply(*tenant, "default", {&event, 1}, kNow);
  auto changed = Tenant("t1");
  changed->config.signals.event_weights[1] = 7;
  registry.Sync(StateOf({changed}));
  EXPECT_EQ(registry.Find("t1", "default"), nullptr);
  EXPECT_EQ(registry.TakeRefolds(), (std::vector<std::string>{"t1"}));
  EXPECT_TRUE(registry.TakeRefolds().empty());
  EXPECT_EQ(registry.MemoryBytes(), 0u);
}

TEST(LiveRegistryTest, TheCapHoldsAcrossLayers) {
  LiveRegistry registry(256 << 10);
  std::vector<std::string> ids;
  for (int i = 0; i < 20000; ++i)
    ids.push_back(std::string("a-long-enough-item-identifier-").append(std::to_string(i)));
  uint64_t folded = 0;
  for (int tenant = 0; tenant < 4; ++tenant) {
    auto state = Tenant(std::string("t").append(std::to_string(tenant)));
    std::vector<LiveEvent> events;
    for (int i = 0; i < 5000; ++i) {
      events.push_back({ids[tenant * 5000 + i], ids[i], EventType::kView, kNow + i, i + 1});
    }
    folded += registry.Apply(*state, "default", events, kNow);
  }
  EXPECT_GT(registry.refused(), 0u);
  EXPECT_EQ(registry.folded(), folded);
  EXPECT_EQ(registry.folded() + registry.refused(), 20000u);
  EXPECT_LE(registry.MemoryBytes(), 256u << 10);
}

}  // namespace
}  // namespace recsys::service
