#include "store/signal_versions.h"

#include <gtest/gtest.h>

#include "store/demo_seed.h"
#include "store/signal_pins.h"
#include "store/state_loader.h"
#include "testing/test_db.h"

namespace recsys::store {
namespace {

using testing::QueryOne;

class SignalVersionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("signal_versions");
    ASSERT_NE(db_, nullptr);
    conn_.emplace(db_->Connect());
    ASSERT_TRUE(SeedDemo(*conn_).ok());
    demo_ = {QueryOne(*conn_, "SELECT id FROM tenants WHERE external_id = 'demo'"), "demo"};
  }

  // "demo" as a loader reads it from its rows now (with pins: as serve does).
  std::shared_ptr<const service::TenantState> LoadDemo(bool pins = false) {
    StateLoader loader(db_->url());
    if (pins) loader.UseSignalPins();
    service::SignalReload only;
    only.tenants = {"demo"};
    only.only = true;
    auto state = loader.Load(nullptr, only, NowUs());
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    return state.ok() ? state.value()->tenants.at("demo") : nullptr;
  }

  // Stores demo's current snapshots as a version; returns its number (0 on failure).
  int64_t Store(int keep, const std::vector<std::string>& days = {"2026-11-30"}) {
    auto tenant = LoadDemo();
    if (tenant == nullptr) return 0;
    service::SignalBuildManifest manifest{"cli", "cli:tester", days, 40, 10, 20, 5};
    auto stored = StoreSignalVersion(*conn_, *tenant, manifest, keep, 4096);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    return stored.ok() ? stored.value().version : 0;
  }

  std::string Kept() {
    return QueryOne(*conn_,
                    "SELECT string_agg(version::text, ',' ORDER BY version DESC) "
                    "FROM tenant_signal_builds");
  }

  size_t HomeItems(const service::TenantState& tenant) {
    bool fell_back = false;
    const SignalSnapshot* snapshot = tenant.SnapshotFor("home", &fell_back);
    return snapshot == nullptr ? 0 : snapshot->item_count();
  }

  const service::Actor actor_{"tester", "cli", "", "", ""};
  std::unique_ptr<testing::TestDatabase> db_;
  std::optional<PgConnection> conn_;
  service::TenantRef demo_;
};

TEST_F(SignalVersionsTest, EachVersionIsNumberedAndListedNewestFirstWithItsManifest) {
  ASSERT_EQ(Store(5, {"2026-11-29", "2026-11-30"}), 1);
  ASSERT_EQ(Store(5), 2);
  auto listed = ListSignalVersions(*conn_, demo_.id);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed.value().versions.size(), 2u);
  EXPECT_EQ(listed.value().pin.version, 0);
  const service::SignalVersionInfo& oldest = listed.value().versions[1];
  EXPECT_EQ(listed.value().versions[0].version, 2);
  EXPECT_EQ(oldest.version, 1);
  EXPECT_EQ(oldest.manifest.trigger, "cli");
  EXPECT_EQ(oldest.manifest.built_by, "cli:tester");
  EXPECT_EQ(oldest.manifest.days, (std::vector<std::string>{"2026-11-29", "2026-11-30"}));
  EXPECT_EQ(oldest.manifest.events, 40);
  EXPECT_EQ(oldest.manifest.popularity_rows, 10);
  EXPECT_EQ(oldest.manifest.covisit_rows, 20);
  EXPECT_EQ(oldest.manifest.sequence_rows, 5);
  EXPECT_GT(oldest.items, 0);
  EXPECT_FALSE(oldest.through_day.empty());
  EXPECT_FALSE(oldest.pinned);
  EXPECT_EQ(QueryOne(*conn_,
                     "SELECT bool_and(b.bytes = (SELECT sum(length(data)) FROM "
                     "tenant_signal_build_parts p WHERE p.tenant_id = b.tenant_id AND "
                     "p.version = b.version) AND b.parts > 1) FROM tenant_signal_builds b"),
            "t");
}

TEST_F(SignalVersionsTest, AVersionReadsBackAsTheSnapshotsItWasStoredFrom) {
  auto tenant = LoadDemo();
  ASSERT_NE(tenant, nullptr);
  ASSERT_EQ(Store(5), 1);
  auto read = ReadSignalVersion(*conn_, demo_.id, 1);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read.value().tenant_id, demo_.id);
  ASSERT_EQ(read.value().snapshots.size(), tenant->snapshots.size());
  for (const auto& [ns, snapshot] : tenant->snapshots) {
    EXPECT_EQ(read.value().snapshots.at(ns)->item_count(), snapshot->item_count()) << ns;
  }
  EXPECT_EQ(ReadSignalVersion(*conn_, demo_.id, 2).status().code(), StatusCode::kNotFound);
}

TEST_F(SignalVersionsTest, PruningKeepsTheNewestAndNeverThePinnedVersion) {
  ASSERT_EQ(Store(2), 1);
  ASSERT_TRUE(PinSignalVersion(*conn_, demo_, 1, actor_).ok());
  for (int i = 0; i < 3; ++i) Store(2);
  EXPECT_EQ(Kept(), "4,3,1");
  auto pin = ReadSignalPin(*conn_, demo_.id);
  ASSERT_TRUE(pin.ok());
  EXPECT_EQ(pin.value().version, 1);
  EXPECT_EQ(pin.value().newer_versions, 2);
  // Unpinned, it goes with the next build; numbers are never reused.
  ASSERT_TRUE(UnpinSignals(*conn_, demo_, actor_).value());
  EXPECT_EQ(Store(2), 5);
  EXPECT_EQ(Kept(), "5,4");
  auto pruned = PinSignalVersion(*conn_, demo_, 1, actor_);
  EXPECT_EQ(pruned.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(PinSignalVersion(*conn_, demo_, 99, actor_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(QueryOne(*conn_, "SELECT count(*) FROM tenant_signal_pins"), "0");
}

TEST_F(SignalVersionsTest, PinningAndUnpinningAreAuditedAndAnnounced) {
  ASSERT_EQ(Store(5), 1);
  ASSERT_EQ(Store(5), 2);
  ASSERT_TRUE(conn_->Exec("LISTEN recsys_changes").ok());
  const std::string before =
      QueryOne(*conn_, "SELECT coalesce(max(version), 0) FROM tenant_signal_versions");
  auto pinned = PinSignalVersion(*conn_, demo_, 1, actor_);
  ASSERT_TRUE(pinned.ok()) << pinned.status().ToString();
  EXPECT_EQ(pinned.value().version, 1);
  EXPECT_EQ(pinned.value().pinned_by, "tester");
  EXPECT_EQ(pinned.value().newer_versions, 1);
  EXPECT_FALSE(pinned.value().pinned_at.empty());
  ASSERT_TRUE(PinSignalVersion(*conn_, demo_, 2, actor_).ok());  // moves the pin
  EXPECT_EQ(QueryOne(*conn_,
                     "SELECT string_agg(entity_id || ':' || coalesce(before_state->>"
                     "'pinned_version', '-') || '>' || (after_state->>'pinned_version'), ',' "
                     "ORDER BY id) FROM audit_log WHERE action = 'signals.rollback'"),
            "1:->1,2:1>2");
  // Each pin retires the shared snapshots and makes every instance reload the tenant.
  EXPECT_EQ(QueryOne(*conn_, "SELECT max(version) FROM tenant_signal_versions"),
            std::to_string(std::stoll(before) + 2));
  PGnotify* notice = nullptr;
  ASSERT_EQ(PQconsumeInput(conn_->raw()), 1);
  notice = PQnotifies(conn_->raw());
  ASSERT_NE(notice, nullptr);
  // The primary's WAL position follows (issue 24: no stale reload from a standby).
  EXPECT_EQ(std::string(notice->extra).rfind(R"({"tenant":"demo","scope":"signals","lsn":")", 0),
            0u)
      << notice->extra;
  PQfreemem(notice);

  EXPECT_TRUE(UnpinSignals(*conn_, demo_, actor_).value());
  EXPECT_FALSE(UnpinSignals(*conn_, demo_, actor_).value());
  EXPECT_EQ(QueryOne(*conn_,
                     "SELECT count(*) || ' ' || max(before_state->>'pinned_version') FROM "
                     "audit_log WHERE action = 'signals.unpin'"),
            "1 2");
}

TEST_F(SignalVersionsTest, APinnedTenantLoadsItsVersionWhateverItsRowsSayNow) {
  ASSERT_EQ(Store(5), 1);
  const size_t items = HomeItems(*LoadDemo());
  ASSERT_GT(items, 1u);
  ASSERT_TRUE(PinSignalVersion(*conn_, demo_, 1, actor_).ok());
  ASSERT_TRUE(conn_->Exec("DELETE FROM item_popularity_daily WHERE item_id <> 'item-0001'").ok());
  ASSERT_TRUE(conn_->Exec("DELETE FROM item_covisit_daily; DELETE FROM item_sequence_daily").ok());
  ASSERT_TRUE(conn_->Exec("DELETE FROM item_tags WHERE item_id <> 'item-0001'").ok());
  auto pinned = LoadDemo(/*pins=*/true);
  ASSERT_NE(pinned, nullptr);
  EXPECT_EQ(pinned->pinned_version, 1);
  EXPECT_EQ(HomeItems(*pinned), items);
  auto newest = LoadDemo(/*pins=*/false);
  ASSERT_NE(newest, nullptr);
  EXPECT_EQ(newest->pinned_version, 0);
  EXPECT_LT(HomeItems(*newest), items);
  ASSERT_TRUE(UnpinSignals(*conn_, demo_, actor_).ok());
  auto unpinned = LoadDemo(/*pins=*/true);
  ASSERT_NE(unpinned, nullptr);
  EXPECT_EQ(unpinned->pinned_version, 0);
  EXPECT_EQ(HomeItems(*unpinned), HomeItems(*newest));
}

}  // namespace
}  // namespace recsys::store
