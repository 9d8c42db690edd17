// The refresher with fake load and marker functions: what it asks to load, and when.
#include "service/state_refresher.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

namespace recsys::service {
namespace {

using namespace std::chrono_literals;

// Records each load's SignalReload and answers with a state holding tenants "a" and "b".
class FakeLoader {
 public:
  StateRefresher::LoadFn Load() {
    return [this](const ServingState*,
                  const SignalReload& reload) -> Result<std::shared_ptr<const ServingState>> {
      std::lock_guard<std::mutex> lock(mu_);
      loads_.push_back(reload);
      cv_.notify_all();
      if (!failure_.ok()) return failure_;
      auto state = std::make_shared<ServingState>();
      state->signals_loaded = true;
      for (const char* id : {"a", "b"}) {
        auto tenant = std::make_shared<TenantState>();
        tenant->external_id = id;
        tenant->warm_started = warm_ && reload.all;  // only the first, full load is warm
        state->tenants[id] = std::move(tenant);
      }
      return std::shared_ptr<const ServingState>(std::move(state));
    };
  }
  StateRefresher::MarkerFn Marker() {
    return [this]() -> Result<std::string> {
      std::lock_guard<std::mutex> lock(mu_);
      return marker_;
    };
  }
  // Waits until at least `n` loads happened (or 5 s passed); returns all loads so far.
  std::vector<SignalReload> WaitForLoads(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, 5s, [&] { return loads_.size() >= n; });
    return loads_;
  }
  void set_marker(std::string m) {
    std::lock_guard<std::mutex> lock(mu_);
    marker_ = std::move(m);
  }
  void set_failure(Status s) {
    std::lock_guard<std::mutex> lock(mu_);
    failure_ = std::move(s);
  }
  void set_warm(bool warm) { warm_ = warm; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<SignalReload> loads_;
  std::string marker_ = "day-1";
  Status failure_;
  bool warm_ = false;
};

TEST(StateRefresherTest, StartLoadsEverythingOnceAndPublishes) {
  FakeLoader loader;
  StateHolder holder;
  StateRefresher refresher(holder, loader.Load(), loader.Marker(), 1h);
  ASSERT_TRUE(refresher.Start().ok());
  const auto loads = loader.WaitForLoads(1);
  ASSERT_EQ(loads.size(), 1u);
  EXPECT_TRUE(loads[0].all);
  EXPECT_NE(holder.Get()->Find("a"), nullptr);
  EXPECT_EQ(refresher.outcomes().ok, 1u);
}

TEST(StateRefresherTest, ANewMarkerReloadsEverySignalAndTheSameMarkerNone) {
  FakeLoader loader;
  StateHolder holder;
  StateRefresher refresher(holder, loader.Load(), loader.Marker(), 20ms);
  ASSERT_TRUE(refresher.Start().ok());
  auto loads = loader.WaitForLoads(3);  // periodic refreshes, same marker: control state only
  ASSERT_GE(loads.size(), 3u);
  EXPECT_FALSE(loads[1].all);
  EXPECT_TRUE(loads[1].empty());
  loader.set_marker("day-2");
  for (size_t seen = loads.size(); seen < 100; ++seen) {
    loads = loader.WaitForLoads(seen + 1);
    if (loads.back().all) break;
  }
  EXPECT_TRUE(loads.back().all);
}

TEST(StateRefresherTest, TenantRequestsAreBatchedAfterAControlReload) {
  FakeLoader loader;
  StateHolder holder;
  StateRefresher refresher(holder, loader.Load(), loader.Marker(), 1h);
  ASSERT_TRUE(refresher.Start().ok());
  refresher.RequestSignalReload("a");
  refresher.RequestSignalReload("a");
  auto loads = loader.WaitForLoads(3);
  ASSERT_GE(loads.size(), 3u);
  EXPECT_TRUE(loads[1].empty());  // control state first: a snapshot build never delays it
  EXPECT_EQ(loads[2].tenants, std::vector<std::string>{"a"});
  EXPECT_FALSE(loads[2].all);
}

TEST(StateRefresherTest, AFailedLoadKeepsTheStateAndRetriesTheTenants) {
  FakeLoader loader;
  StateHolder holder;
  StateRefresher refresher(holder, loader.Load(), loader.Marker(), 30ms);
  ASSERT_TRUE(refresher.Start().ok());
  const auto published = holder.Get();
  loader.set_failure(Status::Unavailable("database down"));
  refresher.RequestSignalReload("b");
  auto loads = loader.WaitForLoads(4);
  EXPECT_EQ(holder.Get(), published);  // still serving what was loaded
  EXPECT_GE(refresher.outcomes().failed, 1u);
  loader.set_failure(Status::Ok());
  // "b" is asked for again until a load succeeds.
  bool reloaded = false;
  for (size_t seen = loads.size(); seen < 200 && !reloaded; ++seen) {
    loads = loader.WaitForLoads(seen + 1);
    reloaded = loads.back().tenants == std::vector<std::string>{"b"} && holder.Get() != published;
  }
  EXPECT_TRUE(reloaded);
}

TEST(StateRefresherTest, WarmStartedTenantsReloadAtOnceNotAfterAPeriod) {
  FakeLoader loader;
  loader.set_warm(true);
  StateHolder holder;
  StateRefresher refresher(holder, loader.Load(), loader.Marker(), 1h);
  ASSERT_TRUE(refresher.Start().ok());
  const auto loads = loader.WaitForLoads(3);
  ASSERT_GE(loads.size(), 3u);  // with an hour's period, only the warm start explains these
  std::vector<std::string> tenants = loads[2].tenants;
  std::sort(tenants.begin(), tenants.end());
  EXPECT_EQ(tenants, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(holder.Get()->Find("a")->warm_started);
}

}  // namespace
}  // namespace recsys::service
