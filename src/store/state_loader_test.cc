#include "store/state_loader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/demo_seed.h"
#include "testing/test_db.h"

namespace recsys::store {
namespace {

TEST(StateLoaderTest, LoadsTheDemoTenantLikeTheReferenceQuery) {
  auto db = testing::TestDatabase::Create("state_loader");
  PgConnection conn = db->Connect();
  ASSERT_TRUE(SeedDemo(conn).ok());

  StateLoader loader(db->url());
  auto state = loader.Load(nullptr, service::SignalReload::All(), NowUs());
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const service::TenantState* demo = state.value()->Find("demo");
  ASSERT_NE(demo, nullptr);
  EXPECT_EQ(demo->status, service::TenantStatus::kActive);
  EXPECT_EQ(
      demo->config_etag,
      testing::QueryOne(conn,
                        "SELECT v.etag FROM tenant_configs_current c JOIN tenant_config_versions v "
                        "ON v.id = c.config_version_id"));
  EXPECT_EQ(demo->config.weights.cooc, 0.5);
  bool fell_back = false;
  const SignalSnapshot* snap = demo->SnapshotFor("home", &fell_back);
  ASSERT_NE(snap, nullptr);
  EXPECT_TRUE(fell_back);
  EXPECT_EQ(snap->item_count(), 300u);

  // The same order as the reference service's per-request SQL.
  auto top = conn.Query(
      "SELECT item_id, sum(score * exp(-ln(2) * (current_date - day) / 30.0)) AS pop "
      "FROM item_popularity_daily GROUP BY item_id ORDER BY pop DESC, item_id LIMIT 5");
  ASSERT_TRUE(top.ok());
  for (int i = 0; i < 5; ++i) {
    const ItemIndex item = snap->by_popularity()[i];
    EXPECT_EQ(snap->item_id(item), top.value().Get(i, 0));
    EXPECT_NEAR(snap->popularity(item), std::stod(std::string(top.value().Get(i, 1))), 0.01);
  }
  auto brand = snap->FindTag("brand:acme");
  ASSERT_TRUE(brand.has_value());
  EXPECT_EQ(snap->posting(*brand).size(), 25u);
  EXPECT_GT(snap->neighbours(*snap->Find("item-0001")).size(), 0u);
}

// With live layers the snapshots are bases of closed days: today's rows are the live layer's,
// and so are yesterday's while yesterday still awaits the builder.
TEST(StateLoaderTest, WithLiveLayersSnapshotsHoldClosedDaysOnly) {
  auto db = testing::TestDatabase::Create("state_loader_closed_days");
  PgConnection conn = db->Connect();
  ASSERT_TRUE(conn.Exec(R"sql(
    INSERT INTO tenants (external_id, name) VALUES ('shop', 'Shop');
    INSERT INTO item_popularity_daily (tenant_id, namespace, item_id, day, score)
      SELECT id, 'default', item, utc_today - back, 4 FROM tenants,
        (SELECT (now() AT TIME ZONE 'UTC')::date AS utc_today) d,
        (VALUES ('today', 0), ('yesterday', 1), ('older', 2)) r(item, back);
    INSERT INTO item_covisit_daily (tenant_id, namespace, item_id, neighbor_id, day, score)
      SELECT id, 'default', 'older', n, (now() AT TIME ZONE 'UTC')::date - back, 1 FROM tenants,
        (VALUES ('today', 0), ('yesterday', 1)) r(n, back))sql")
                  .ok());
  const int32_t today = DayOf(NowUs());
  auto items = [](const SignalSnapshot& s) {
    std::string out;
    for (ItemIndex i : s.by_popularity()) {
      if (s.popularity(i) > 0)
        out += std::string(out.empty() ? "" : " ") + std::string(s.item_id(i));
    }
    out += " |";
    for (const auto& n : s.neighbours(*s.Find("older"))) out.append(" ").append(s.item_id(n.item));
    return out;
  };
  StateLoader loader(db->url());
  loader.UseLiveLayers();
  auto state = loader.Load(nullptr, service::SignalReload::All(), NowUs());
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const SignalSnapshot& base = *state.value()->Find("shop")->snapshots.at("default");
  EXPECT_EQ(base.reference_day(), today);
  EXPECT_EQ(base.through_day(), today - 1);
  EXPECT_EQ(items(base), "yesterday older | yesterday");

  ASSERT_TRUE(conn.Exec("INSERT INTO signal_dirty_days (tenant_id, day) SELECT id, "
                        "(now() AT TIME ZONE 'UTC')::date - 1 FROM tenants")
                  .ok());
  state = loader.Load(nullptr, service::SignalReload::All(), NowUs());
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const SignalSnapshot& older = *state.value()->Find("shop")->snapshots.at("default");
  EXPECT_EQ(older.through_day(), today - 2);
  EXPECT_EQ(items(older), "older |");

  StateLoader whole(db->url());  // without live layers: every day
  state = whole.Load(nullptr, service::SignalReload::All(), NowUs());
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(items(*state.value()->Find("shop")->snapshots.at("default")),
            "today yesterday older | today yesterday");
}

TEST(StateLoaderTest, RowsOfInterleavedNamespacesGoToTheirOwnSnapshots) {
  auto db = testing::TestDatabase::Create("state_loader_namespaces");
  PgConnection conn = db->Connect();
  ASSERT_TRUE(SeedDemo(conn).ok());
  // Rows alternate between namespaces, so the loader's per-namespace lookup switches every row.
  ASSERT_TRUE(conn.Exec(R"sql(
    INSERT INTO item_tags (tenant_id, namespace, item_id, tags)
      SELECT id, ns, item, ARRAY['brand:' || ns] FROM tenants,
        (VALUES ('default', 'x-1'), ('pdp', 'p-1'), ('default', 'x-2'), ('pdp', 'p-2')) r(ns, item)
      WHERE external_id = 'demo';
    INSERT INTO item_popularity_daily (tenant_id, namespace, item_id, day, score)
      SELECT id, ns, item, current_date, score FROM tenants,
        (VALUES ('pdp', 'p-1', 5), ('default', 'x-1', 1), ('pdp', 'p-2', 9), ('default', 'x-2', 2))
          r(ns, item, score)
      WHERE external_id = 'demo';
    INSERT INTO item_covisit_daily (tenant_id, namespace, item_id, neighbor_id, day, score)
      SELECT id, ns, a, b, current_date, 3 FROM tenants,
        (VALUES ('pdp', 'p-1', 'p-2'), ('default', 'x-1', 'x-2'), ('pdp', 'p-2', 'p-1')) r(ns, a, b)
      WHERE external_id = 'demo')sql")
                  .ok());
  StateLoader loader(db->url());
  auto state = loader.Load(nullptr, service::SignalReload::All(), NowUs());
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const service::TenantState* demo = state.value()->Find("demo");
  ASSERT_NE(demo, nullptr);
  ASSERT_EQ(demo->snapshots.count("pdp"), 1u);
  const SignalSnapshot& pdp = *demo->snapshots.at("pdp");
  const SignalSnapshot& home = *demo->snapshots.at("default");
  EXPECT_EQ(pdp.item_count(), 2u);
  EXPECT_EQ(pdp.item_id(pdp.by_popularity()[0]), "p-2");
  EXPECT_FALSE(pdp.Find("x-1").has_value());
  ASSERT_EQ(pdp.neighbours(*pdp.Find("p-1")).size(), 1u);
  EXPECT_EQ(pdp.neighbours(*pdp.Find("p-1"))[0].item, *pdp.Find("p-2"));
  EXPECT_EQ(home.item_count(), 302u);
  EXPECT_FALSE(home.Find("p-1").has_value());
  ASSERT_EQ(home.neighbours(*home.Find("x-1")).size(), 1u);
  EXPECT_EQ(home.neighbours(*home.Find("x-1"))[0].item, *home.Find("x-2"));
}

// A stream of made-up item ids (a bot) that reached the signal tables does not reach every
// instance's memory past RECSYS_SIGNAL_MAX_ITEMS: the catalog stays, then the most popular.
TEST(StateLoaderTest, ASnapshotHoldsAtMostItsItemLimit) {
  auto db = testing::TestDatabase::Create("state_loader_max_items");
  PgConnection conn = db->Connect();
  ASSERT_TRUE(conn.Exec(R"sql(
    INSERT INTO tenants (external_id, name) VALUES ('shop', 'Shop');
    INSERT INTO item_tags (tenant_id, item_id, tags)
      SELECT id, 'catalog-' || n, ARRAY['brand:b'] FROM tenants, generate_series(1, 3) n;
    INSERT INTO item_popularity_daily (tenant_id, item_id, day, score)
      SELECT id, 'bot-' || n, current_date - 1, n FROM tenants, generate_series(1, 2000) n)sql")
                  .ok());
  StateLoader loader(db->url());
  loader.LimitItems(1000);
  auto state = loader.Load(nullptr, service::SignalReload::All(), NowUs());
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const SignalSnapshot& snapshot = *state.value()->Find("shop")->snapshots.at("default");
  EXPECT_EQ(snapshot.item_count(), 1000u);
  EXPECT_TRUE(snapshot.Find("catalog-1").has_value());
  EXPECT_TRUE(snapshot.Find("bot-2000").has_value());
  EXPECT_TRUE(snapshot.Find("bot-1004").has_value());
  EXPECT_FALSE(snapshot.Find("bot-1003").has_value());
}

TEST(StateLoaderTest, PicksUpConfigAndRulesChangesMadeInTheTables) {
  auto db = testing::TestDatabase::Create("state_loader_changes");
  PgConnection conn = db->Connect();
  ASSERT_TRUE(SeedDemo(conn).ok());
  StateLoader loader(db->url());
  auto first = loader.Load(nullptr, service::SignalReload::All(), NowUs());
  ASSERT_TRUE(first.ok());

  ASSERT_TRUE(conn.Exec(R"sql(
    WITH t AS (SELECT id FROM tenants WHERE external_id = 'demo'),
    v AS (INSERT INTO tenant_rule_versions (tenant_id, rules, created_by_sub)
          SELECT id, '[{"id": "p", "action": "pin", "target_type": "item", "item_ids": ["item-0300"]}]',
                 'test' FROM t RETURNING id, tenant_id)
    UPDATE tenant_rules_current c SET rules_version_id = v.id, updated_by_sub = 'test'
      FROM v WHERE c.tenant_id = v.tenant_id)sql")
                  .ok());
  auto second = loader.Load(first.value().get(), service::SignalReload{}, NowUs());
  ASSERT_TRUE(second.ok());
  const service::TenantState* demo = second.value()->Find("demo");
  ASSERT_EQ(demo->rules.size(), 1u);
  EXPECT_NE(demo->rules_etag, first.value()->Find("demo")->rules_etag);
  // Signals were not reloaded: the same snapshot object is shared.
  EXPECT_EQ(demo->snapshots.at("default"), first.value()->Find("demo")->snapshots.at("default"));
}

TEST(StateLoaderTest, AWarmStartServesSavedSnapshotsUntilTheTenantIsReloaded) {
  auto db = testing::TestDatabase::Create("state_loader_warm");
  PgConnection conn = db->Connect();
  ASSERT_TRUE(SeedDemo(conn).ok());
  char pattern[] = "/tmp/recsys-warm-loader-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string dir = std::string(pattern) + "/warm";
  const TimestampUs now = NowUs();
  {
    StateLoader first(db->url());
    auto state = first.Load(nullptr, service::SignalReload::All(), now);
    ASSERT_TRUE(state.ok());
    ASSERT_EQ(WarmStart(dir).SaveAll(*state.value(), now).value(), 1u);
  }
  // The signals change while no instance runs; the warm start still serves what was saved.
  ASSERT_TRUE(conn.Exec("DELETE FROM item_popularity_daily WHERE item_id <> 'item-0001'").ok());
  ASSERT_TRUE(conn.Exec("DELETE FROM item_covisit_daily").ok());
  ASSERT_TRUE(conn.Exec("DELETE FROM item_sequence_daily").ok());
  ASSERT_TRUE(conn.Exec("DELETE FROM item_tags").ok());
  StateLoader loader(db->url());
  loader.UseWarmStart(std::make_unique<WarmStart>(dir));
  auto warm = loader.Load(nullptr, service::SignalReload::All(), now + 1000000);
  ASSERT_TRUE(warm.ok()) << warm.status().ToString();
  const service::TenantState* demo = warm.value()->Find("demo");
  ASSERT_NE(demo, nullptr);
  EXPECT_TRUE(demo->warm_started);
  EXPECT_EQ(demo->signals_loaded_at, now);
  bool fell_back = false;
  EXPECT_EQ(demo->SnapshotFor("home", &fell_back)->item_count(), 300u);
  EXPECT_TRUE(std::filesystem::is_empty(dir));  // taken once

  // A control-only load keeps the warm snapshots (and says so); the tenant's reload replaces them.
  auto control = loader.Load(warm.value().get(), {}, now + 2000000);
  ASSERT_TRUE(control.ok());
  EXPECT_TRUE(control.value()->Find("demo")->warm_started);
  service::SignalReload reload;
  reload.tenants = {"demo"};
  auto reloaded = loader.Load(control.value().get(), reload, now + 3000000);
  ASSERT_TRUE(reloaded.ok());
  demo = reloaded.value()->Find("demo");
  EXPECT_FALSE(demo->warm_started);
  EXPECT_EQ(demo->SnapshotFor("home", &fell_back)->item_count(), 1u);
  std::filesystem::remove_all(pattern);
}

TEST(StateLoaderTest, AnUnreachableDatabaseIsAnError) {
  StateLoader loader("postgresql://nobody@127.0.0.1:1/none");
  auto state = loader.Load(nullptr, service::SignalReload::All(), NowUs());
  EXPECT_FALSE(state.ok());
  EXPECT_EQ(state.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace recsys::store
