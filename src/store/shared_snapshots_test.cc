#include "store/shared_snapshots.h"

#include <gtest/gtest.h>

#include "store/change_notice.h"
#include "store/demo_seed.h"
#include "store/state_loader.h"
#include "testing/test_db.h"

namespace recsys::store {
namespace {

constexpr int64_t kSecond = 1000000;

class SharedSnapshotsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("shared_snapshots");
    ASSERT_NE(db_, nullptr);
    conn_.emplace(db_->Connect());
    ASSERT_TRUE(SeedDemo(*conn_).ok());
  }

  // A loader with shared snapshots of any size, stored in 4 KiB parts; *shared is set to them.
  std::unique_ptr<StateLoader> Loader(SharedSnapshots** shared) {
    auto loader = std::make_unique<StateLoader>(db_->url());
    SharedSnapshotOptions options;
    options.database_url = db_->url();
    options.min_bytes = 0;
    options.part_bytes = 4096;
    options.min_store_interval_s = 0;
    auto owned = std::make_unique<SharedSnapshots>(options);
    *shared = owned.get();
    loader->UseSharedSnapshots(std::move(owned));
    return loader;
  }

  // Loads every tenant with a new loader at `now`, waits for what it stores, returns "demo".
  std::shared_ptr<const service::TenantState> LoadDemo(TimestampUs now) {
    SharedSnapshots* shared = nullptr;
    auto loader = Loader(&shared);
    auto state = loader->Load(nullptr, service::SignalReload::All(), now);
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    if (!state.ok()) return nullptr;
    shared->WaitIdle();
    return state.value()->tenants.at("demo");
  }

  size_t HomeItems(const service::TenantState& tenant) {
    bool fell_back = false;
    return tenant.SnapshotFor("home", &fell_back)->item_count();
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::optional<PgConnection> conn_;
};

TEST_F(SharedSnapshotsTest, ALaterInstanceServesTheStoredSnapshotsUntilTheSignalsChange) {
  const TimestampUs now = NowUs();
  auto first = LoadDemo(now);
  ASSERT_NE(first, nullptr);
  EXPECT_FALSE(first->from_shared_snapshot);
  EXPECT_EQ(first->signal_version, 0);
  EXPECT_EQ(testing::QueryOne(*conn_, "SELECT signal_version FROM tenant_snapshots"), "0");
  EXPECT_GT(std::stoi(testing::QueryOne(*conn_, "SELECT count(*) FROM tenant_snapshot_parts")), 1);
  EXPECT_EQ(testing::QueryOne(*conn_,
                              "SELECT sum(length(data)) = max(s.bytes) FROM "
                              "tenant_snapshot_parts p JOIN tenant_snapshots s USING "
                              "(tenant_id, format)"),
            "t");

  // Rows changed without an announcement are not seen: the stored snapshots serve.
  ASSERT_TRUE(conn_->Exec("DELETE FROM item_popularity_daily WHERE item_id <> 'item-0001'").ok());
  ASSERT_TRUE(conn_->Exec("DELETE FROM item_covisit_daily; DELETE FROM item_sequence_daily").ok());
  ASSERT_TRUE(conn_->Exec("DELETE FROM item_tags").ok());
  auto second = LoadDemo(now + kSecond);
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(second->from_shared_snapshot);
  EXPECT_EQ(second->signals_loaded_at, first->signals_loaded_at);
  EXPECT_EQ(HomeItems(*second), 300u);

  // Announcing the change retires them: the next instance reads the rows and stores anew.
  ASSERT_TRUE(SendChangeNotice(*conn_, {"demo", ChangeScope::kSignals}).ok());
  auto third = LoadDemo(now + 2 * kSecond);
  ASSERT_NE(third, nullptr);
  EXPECT_FALSE(third->from_shared_snapshot);
  EXPECT_EQ(third->signal_version, 1);
  EXPECT_EQ(HomeItems(*third), 1u);
  EXPECT_EQ(testing::QueryOne(*conn_, "SELECT signal_version FROM tenant_snapshots"), "1");

  // Snapshots decay by the day they were built on: another day reads the rows.
  EXPECT_FALSE(LoadDemo(now + 86400 * kSecond)->from_shared_snapshot);
}

TEST_F(SharedSnapshotsTest, ADamagedStoredSnapshotIsLoggedAndTheRowsAreRead) {
  const TimestampUs now = NowUs();
  ASSERT_NE(LoadDemo(now), nullptr);
  ASSERT_TRUE(conn_
                  ->Exec("UPDATE tenant_snapshot_parts SET data = overlay(data PLACING "
                         "'\\x00000000'::bytea FROM 100) WHERE part = 1")
                  .ok());
  auto demo = LoadDemo(now + kSecond);
  ASSERT_NE(demo, nullptr);
  EXPECT_FALSE(demo->from_shared_snapshot);
  EXPECT_EQ(HomeItems(*demo), 300u);
}

TEST_F(SharedSnapshotsTest, StoresOnlyLargeCurrentSnapshotsNotStoredYet) {
  auto demo = LoadDemo(NowUs());
  ASSERT_NE(demo, nullptr);
  SharedSnapshotOptions options;
  options.database_url = db_->url();
  options.min_bytes = 0;
  options.min_store_interval_s = 0;
  SharedSnapshots shared(options);
  EXPECT_FALSE(shared.Store(*conn_, *demo).value());  // the same version is stored already

  ASSERT_TRUE(conn_->Exec("DELETE FROM tenant_snapshots").ok());
  service::TenantState unread = *demo;
  unread.signal_version = -1;
  EXPECT_FALSE(shared.Store(*conn_, unread).value());
  options.min_bytes = SnapshotBytes(*demo) + 1;
  EXPECT_FALSE(SharedSnapshots(options).Store(*conn_, *demo).value());

  ASSERT_TRUE(SendChangeNotice(*conn_, {"demo", ChangeScope::kCatalog}).ok());
  EXPECT_FALSE(shared.Store(*conn_, *demo).value());  // read at a version no longer current
  EXPECT_EQ(testing::QueryOne(*conn_, "SELECT count(*) FROM tenant_snapshots"), "0");
  service::TenantState current = *demo;
  current.signal_version = 1;
  EXPECT_TRUE(shared.Store(*conn_, current).value());
  EXPECT_EQ(testing::QueryOne(*conn_, "SELECT count(*) FROM tenant_snapshots"), "1");

  // Signals rebuilt moments later: by default not stored again within five minutes.
  ASSERT_TRUE(SendChangeNotice(*conn_, {"demo", ChangeScope::kSignals}).ok());
  current.signal_version = 2;
  options.min_bytes = 0;
  options.min_store_interval_s = 300;
  EXPECT_FALSE(SharedSnapshots(options).Store(*conn_, current).value());
  ASSERT_TRUE(
      conn_->Exec("UPDATE tenant_snapshots SET stored_at = now() - interval '6 minutes'").ok());
  EXPECT_TRUE(SharedSnapshots(options).Store(*conn_, current).value());
  EXPECT_EQ(testing::QueryOne(*conn_, "SELECT signal_version FROM tenant_snapshots"), "2");
}

}  // namespace
}  // namespace recsys::store
