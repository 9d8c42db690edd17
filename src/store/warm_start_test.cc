#include "store/warm_start.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "testing/numbered.h"

namespace recsys::store {
namespace {

using service::ServingState;
using service::TenantState;
using testing::Numbered;

constexpr TimestampUs kDay = 86400LL * 1000000;
constexpr TimestampUs kMinute = 60LL * 1000000;
const TimestampUs kNow = 20000 * kDay + 10 * 60 * kMinute;  // 10:00 on day 20000

std::shared_ptr<const SignalSnapshot> Snapshot(int items, double half_life) {
  SnapshotBuilder builder(DayOf(kNow), half_life);
  for (int i = 0; i < items; ++i) {
    builder.AddPopularity(Numbered("item", i), DayOf(kNow) - i % 4, 1 + i);
    builder.AddCovisit(Numbered("item", i), Numbered("item", (i + 3) % items), 1);
  }
  return builder.Build();
}

std::shared_ptr<TenantState> Tenant(const std::string& id) {
  auto tenant = std::make_shared<TenantState>();
  tenant->id = id;
  tenant->external_id = "shop-" + id.substr(0, 4);
  tenant->config.ranking.half_life_days = 14;
  tenant->snapshots["default"] = Snapshot(300, 14);
  tenant->snapshots["shoes"] = Snapshot(20, 14);
  tenant->signals_loaded_at = kNow - 5 * kMinute;
  return tenant;
}

class WarmStartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/recsys-warm-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    dir_ = root_ + "/warm";  // SaveAll makes it
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // Saves a state with `tenant` in it at kNow.
  void Save(const std::shared_ptr<TenantState>& tenant) {
    ServingState state;
    state.tenants[tenant->external_id] = tenant;
    auto saved = WarmStart(dir_).SaveAll(state, kNow);
    ASSERT_TRUE(saved.ok()) << saved.status().message();
  }
  std::string FileOf(const TenantState& tenant) { return dir_ + "/" + tenant.id + ".snapshot"; }

  std::string root_, dir_;
};

TEST_F(WarmStartTest, ASavedTenantComesBackOnceWithEveryNamespace) {
  auto tenant = Tenant("7f0c2f4e-0000-4000-8000-000000000001");
  Save(tenant);
  struct stat st;
  ASSERT_EQ(stat(FileOf(*tenant).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);  // signals are the tenant's data
  ASSERT_EQ(stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  auto taken = WarmStart(dir_).Take(*tenant, kNow + 2 * kMinute);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->loaded_at, tenant->signals_loaded_at);
  ASSERT_EQ(taken->snapshots.size(), 2u);
  for (const auto& [ns, original] : tenant->snapshots) {
    const SignalSnapshot& copy = *taken->snapshots.at(ns);
    ASSERT_EQ(copy.item_count(), original->item_count()) << ns;
    for (ItemIndex i = 0; i < original->item_count(); ++i) {
      EXPECT_EQ(copy.item_id(i), original->item_id(i));
      EXPECT_EQ(copy.popularity(i), original->popularity(i));
      EXPECT_EQ(copy.neighbours(i).size(), original->neighbours(i).size());
    }
  }
  EXPECT_FALSE(std::filesystem::exists(FileOf(*tenant)));  // used once
  EXPECT_FALSE(WarmStart(dir_).Take(*tenant, kNow + 2 * kMinute).has_value());
}

TEST_F(WarmStartTest, RefusesAFileFromAnotherDayTooOldOrForOtherDecaySettings) {
  auto tenant = Tenant("7f0c2f4e-0000-4000-8000-000000000002");
  Save(tenant);
  EXPECT_FALSE(WarmStart(dir_).Take(*tenant, kNow + kDay).has_value());
  EXPECT_FALSE(std::filesystem::exists(FileOf(*tenant)));  // refused files go too

  Save(tenant);
  EXPECT_FALSE(WarmStart(dir_).Take(*tenant, kNow + 16 * kMinute).has_value());
  Save(tenant);
  EXPECT_FALSE(WarmStart(dir_).Take(*tenant, kNow - kMinute).has_value());  // clock went back

  Save(tenant);
  TenantState changed = *tenant;
  changed.config.ranking.half_life_days = 7;
  EXPECT_FALSE(WarmStart(dir_).Take(changed, kNow).has_value());
  Save(tenant);
  changed = *tenant;
  changed.config.ranking.covisit_window_days += 1;
  EXPECT_FALSE(WarmStart(dir_).Take(changed, kNow).has_value());

  Save(tenant);  // and the same file is fine for the tenant as it was
  EXPECT_TRUE(WarmStart(dir_).Take(*tenant, kNow).has_value());
}

TEST_F(WarmStartTest, RefusesDamagedAndTruncatedFilesAndFilesOfAnotherTenant) {
  auto tenant = Tenant("7f0c2f4e-0000-4000-8000-000000000003");
  Save(tenant);
  const auto size = std::filesystem::file_size(FileOf(*tenant));
  for (const auto offset : {size_t{3}, size_t{40}, static_cast<size_t>(size / 2), size - 1}) {
    Save(tenant);
    {
      std::fstream file(FileOf(*tenant), std::ios::in | std::ios::out | std::ios::binary);
      file.seekg(offset);
      const char byte = static_cast<char>(file.get() ^ 0x01);
      file.seekp(offset);
      file.put(byte);
    }
    EXPECT_FALSE(WarmStart(dir_).Take(*tenant, kNow).has_value()) << "flipped byte " << offset;
  }
  Save(tenant);
  std::filesystem::resize_file(FileOf(*tenant), size - 100);
  EXPECT_FALSE(WarmStart(dir_).Take(*tenant, kNow).has_value());

  Save(tenant);
  auto other = Tenant("7f0c2f4e-0000-4000-8000-000000000004");
  std::filesystem::rename(FileOf(*tenant), FileOf(*other));
  EXPECT_FALSE(WarmStart(dir_).Take(*other, kNow).has_value());
}

TEST_F(WarmStartTest, SavesOnlyActiveTenantsReadFromTheDatabaseAndDiscardsLeftovers) {
  auto warm = Tenant("7f0c2f4e-0000-4000-8000-000000000005");
  warm->warm_started = true;  // never refreshed by this instance: not saved again
  auto suspended = Tenant("7f0c2f4e-0000-4000-8000-000000000006");
  suspended->status = service::TenantStatus::kSuspended;
  auto fresh = Tenant("7f0c2f4e-0000-4000-8000-000000000007");
  ServingState state;
  for (const auto& t : {warm, suspended, fresh}) state.tenants[t->external_id] = t;
  auto saved = WarmStart(dir_).SaveAll(state, kNow);
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(saved.value(), 1u);
  EXPECT_FALSE(std::filesystem::exists(FileOf(*warm)));
  EXPECT_FALSE(std::filesystem::exists(FileOf(*suspended)));
  ASSERT_TRUE(std::filesystem::exists(FileOf(*fresh)));
  WarmStart(dir_).DiscardRest();
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

TEST_F(WarmStartTest, AFolderThatCannotBeMadeIsAnError) {
  std::ofstream(root_ + "/file") << "x";
  ServingState state;
  EXPECT_EQ(WarmStart(root_ + "/file/warm").SaveAll(state, kNow).status().code(),
            StatusCode::kUnavailable);
}

}  // namespace
}  // namespace recsys::store
