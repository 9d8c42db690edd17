#include "store/signal_builder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "crypto/digest.h"
#include "store/event_store.h"
#include "testing/test_db.h"

namespace recsys::store {
namespace {

using testing::QueryOne;

class SignalBuilderTest : public ::testing::TestWithParam<SignalBuildMethod> {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("signal_builder");
    auto conn = db_->Connect();
    tenant_ = QueryOne(conn,
                       "INSERT INTO tenants (external_id, name) VALUES ('shop', 'Shop') "
                       "RETURNING id");
  }

  // Appends events "user session type item HH:MM" on `day` for `tenant` (default: the shop).
  void Add(
      const std::string& day,
      const std::vector<std::tuple<std::string, std::string, EventType, std::string, std::string>>&
          rows,
      std::string tenant = "") {
    std::vector<Event> events;
    for (const auto& [user, session, type, item, time] : rows) {
      Event e;
      e.user_id = user;
      e.session_id = session;
      e.type = type;
      e.item_id = item;
      e.occurred_at = *ParseRfc3339(day + "T" + time + ":00Z");
      events.push_back(e);
    }
    std::vector<service::StoredEvent> stored;
    for (const Event& e : events) stored.push_back({&e, crypto::HmacSha256("k", e.user_id)});
    PgEventStore store(db_->url());
    ASSERT_TRUE(store.Append(tenant.empty() ? tenant_ : tenant, stored).ok());
  }

  void AddFirstDay() {
    Add("2026-11-01", {{"u1", "s1", EventType::kView, "A", "10:00"},
                       {"u1", "s1", EventType::kView, "B", "10:01"},
                       {"u1", "s1", EventType::kPurchase, "B", "10:02"},
                       {"u1", "s1", EventType::kClick, "C", "10:03"},
                       {"u1", "s1", EventType::kImpression, "D", "10:03"},
                       {"u1", "s1", EventType::kView, "A", "10:04"},
                       {"u2", "", EventType::kView, "A", "11:00"},
                       {"u2", "", EventType::kView, "C", "11:01"}});
  }

  // The table's rows of `tenant` (default: the shop) as "item[>neighbour]=score ...".
  std::string Rows(const std::string& table, std::string tenant = "") {
    auto conn = db_->Connect();
    const bool pairs = table != "item_popularity_daily";
    return QueryOne(
        conn,
        "SELECT string_agg(item_id || " + std::string(pairs ? "'>' || neighbor_id || " : "") +
            "'=' || trim(trailing '.' FROM trim(trailing '0' FROM score::text)), "
            "' ' ORDER BY item_id" +
            (pairs ? ", neighbor_id" : "") + ") FROM " + table + " WHERE tenant_id = $1",
        {tenant.empty() ? tenant_ : tenant});
  }

  std::string NewTenant(const std::string& name) {
    auto conn = db_->Connect();
    return QueryOne(conn, "INSERT INTO tenants (external_id, name) VALUES ($1, $1) RETURNING id",
                    {name});
  }

  // Options for the method under test.
  static SignalBuildOptions Options() {
    SignalBuildOptions options;
    options.method = GetParam();
    return options;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::string tenant_;
};

TEST_P(SignalBuilderTest, BuildsTheThreeSignalsExactlyAsRankingMdDefines) {
  AddFirstDay();
  SignalBuilder builder(db_->url());
  auto report = builder.Run(Options());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report.value().days, 1);
  EXPECT_EQ(report.value().events, 8);
  // view 1, click 2, purchase 5, impression 0 (no row).
  EXPECT_EQ(Rows("item_popularity_daily"), "A=3 B=6 C=3");
  // Sessions with both: s1 {A, B, C} (the impression pairs nothing), u2's day {A, C}.
  EXPECT_EQ(Rows("item_covisit_daily"), "A>B=1 A>C=2 B>A=1 B>C=1 C>A=2 C>B=1");
  // s1: A B (B) C A -> A>B 1, A>C 1/2, B>C 1, B>A 1/2, C>A 1; u2: A>C 1.
  EXPECT_EQ(Rows("item_sequence_daily"), "A>B=1 A>C=1.5 B>A=0.5 B>C=1 C>A=1");
  auto conn = db_->Connect();
  EXPECT_EQ(QueryOne(conn, "SELECT count(*) FROM signal_dirty_days"), "0");
}

TEST_P(SignalBuilderTest, ReRunsOnlyDaysWithNewEventsAndFullRebuildIsIdempotent) {
  AddFirstDay();
  SignalBuilder builder(db_->url());
  ASSERT_TRUE(builder.Run(Options()).ok());
  auto again = builder.Run(Options());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value().days, 0);

  Add("2026-11-02", {{"u3", "s9", EventType::kAddToCart, "E", "09:00"}});
  auto next = builder.Run(Options());
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next.value().days, 1);
  EXPECT_EQ(Rows("item_popularity_daily"), "A=3 B=6 C=3 E=3");

  SignalBuildOptions full = Options();
  full.full = true;
  auto rebuilt = builder.Run(full);
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_EQ(rebuilt.value().days, 2);
  EXPECT_EQ(Rows("item_popularity_daily"), "A=3 B=6 C=3 E=3");
  EXPECT_EQ(Rows("item_covisit_daily"), "A>B=1 A>C=2 B>A=1 B>C=1 C>A=2 C>B=1");

  full.since = ParseDate("2026-11-02");
  auto since = builder.Run(full);
  ASSERT_TRUE(since.ok());
  EXPECT_EQ(since.value().days, 1);
}

TEST_P(SignalBuilderTest, TenantEventWeightsComeFromItsConfig) {
  auto conn = db_->Connect();
  QueryOne(conn,
           "WITH v AS (INSERT INTO tenant_config_versions (tenant_id, config, created_by_sub) "
           "VALUES ($1, '{\"signals\": {\"event_weights\": {\"purchase\": 10, \"view\": 0}}}', "
           "'test') RETURNING id) "
           "INSERT INTO tenant_configs_current (tenant_id, config_version_id, updated_by_sub) "
           "SELECT $1, id, 'test' FROM v RETURNING 1",
           {tenant_});
  AddFirstDay();
  SignalBuilder builder(db_->url());
  ASSERT_TRUE(builder.Run(Options()).ok());
  EXPECT_EQ(Rows("item_popularity_daily"), "B=10 C=2");
}

TEST_P(SignalBuilderTest, OneBuilderAtATime) {
  AddFirstDay();
  auto holder = db_->Connect();
  ASSERT_EQ(QueryOne(holder, "SELECT pg_try_advisory_lock(x'7265637362756c64'::bigint)"), "t");
  SignalBuilder builder(db_->url());
  EXPECT_EQ(builder.Run(Options()).status().code(), StatusCode::kConflict);
  QueryOne(holder, "SELECT pg_advisory_unlock(x'7265637362756c64'::bigint)");
  EXPECT_TRUE(builder.Run(Options()).ok());
}

TEST_P(SignalBuilderTest, AFailedRunLeavesNoHalfWrittenDayAndTheNextRunResumes) {
  AddFirstDay();
  Add("2026-11-02", {{"u3", "s9", EventType::kAddToCart, "E", "09:00"}});
  auto conn = db_->Connect();
  // The second day fails part way: its rows are computed and partly written, then refused (a
  // constraint stands in for a full disk; it is checked by either way of writing a day).
  ASSERT_TRUE(conn.Exec("ALTER TABLE item_popularity_daily ADD CONSTRAINT disk_full "
                        "CHECK (day <> DATE '2026-11-02')")
                  .ok());
  SignalBuilder builder(db_->url());
  auto failed = builder.Run(Options());
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("disk_full"), std::string::npos);
  EXPECT_EQ(QueryOne(conn, "SELECT string_agg(DISTINCT day::text, ',') FROM item_popularity_daily"),
            "2026-11-01");
  EXPECT_EQ(QueryOne(conn, "SELECT count(*) FROM item_covisit_daily WHERE day = '2026-11-02'"),
            "0");
  EXPECT_EQ(QueryOne(conn, "SELECT string_agg(day::text, ',') FROM signal_dirty_days"),
            "2026-11-02");

  ASSERT_TRUE(conn.Exec("ALTER TABLE item_popularity_daily DROP CONSTRAINT disk_full").ok());
  auto resumed = builder.Run(Options());
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(resumed.value().days, 1);
  EXPECT_EQ(Rows("item_popularity_daily"), "A=3 B=6 C=3 E=3");
}

TEST_P(SignalBuilderTest, UnknownTenantIsNotFound) {
  SignalBuildOptions options = Options();
  options.tenant = "nobody";
  SignalBuilder builder(db_->url());
  EXPECT_EQ(builder.Run(options).status().code(), StatusCode::kNotFound);
}

TEST_P(SignalBuilderTest, NotifiesServingOfTheTenantsNewSignals) {
  AddFirstDay();
  auto listener = db_->Connect();
  ASSERT_TRUE(listener.Exec("LISTEN recsys_changes").ok());
  SignalBuilder builder(db_->url());
  ASSERT_TRUE(builder.Run(Options()).ok());
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        PQconsumeInput(listener.raw());
        if (PGnotify* n = PQnotifies(listener.raw())) {
          const std::string payload = n->extra;
          PQfreemem(n);
          return payload.rfind(R"({"tenant":"shop","scope":"signals","lsn":")", 0) == 0;
        }
        return false;
      },
      std::chrono::seconds(3)));
}

// With live layers serving today: a closed day is built at once and announced; today waits
// until its oldest mark is old enough, and is then built without an announcement (no instance
// reloads for it: its rows are for other readers and restarts).
TEST_P(SignalBuilderTest, WithLiveLayersTodayIsPersistedLateAndSilently) {
  AddFirstDay();  // a closed day
  const std::string today = FormatRfc3339(NowUs()).substr(0, 10);
  Add(today, {{"u1", "s9", EventType::kView, "T", "00:00"}});
  auto listener = db_->Connect();
  ASSERT_TRUE(listener.Exec("LISTEN recsys_changes").ok());
  auto notices = [&] {
    int count = 0;
    PQconsumeInput(listener.raw());
    while (PGnotify* n = PQnotifies(listener.raw())) {
      ++count;
      PQfreemem(n);
    }
    return count;
  };
  SignalBuilder builder(db_->url());
  SignalBuildOptions options = Options();
  options.today_after_s = 300;
  auto report = builder.Run(options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report.value().days, 1);  // the closed day only
  EXPECT_TRUE(testing::WaitFor([&] { return notices() == 1; }, std::chrono::seconds(3)));
  EXPECT_EQ(Rows("item_popularity_daily").find("T="), std::string::npos);

  auto conn = db_->Connect();
  ASSERT_TRUE(
      conn.Exec("UPDATE signal_dirty_days SET marked_at = now() - interval '10 minutes'").ok());
  report = builder.Run(options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report.value().days, 1);  // today, now old enough
  EXPECT_NE(Rows("item_popularity_daily").find("T=1"), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a notice would have come
  EXPECT_EQ(notices(), 0);
}

// A day that another tenant shares is rewritten in place; a day a tenant has alone is loaded whole
// and swapped in. Either way the other tenants' rows stay, and rows that waited in the DEFAULT
// partition (written by other means before the day had a partition) move into the day's.
TEST_P(SignalBuilderTest, TenantsSharingADayKeepEachOthersRows) {
  const std::string other = NewTenant("other");
  auto conn = db_->Connect();
  ASSERT_TRUE(conn.Query("INSERT INTO item_popularity_daily (tenant_id, item_id, day, score) "
                         "VALUES ($1, 'hand', '2026-11-01', 7)",
                         {other})
                  .ok());
  EXPECT_EQ(QueryOne(conn, "SELECT count(*) FROM item_popularity_daily_default"), "1");
  AddFirstDay();
  Add("2026-11-01",
      {{"o1", "t1", EventType::kView, "X", "08:00"}, {"o1", "t1", EventType::kView, "Y", "08:01"}},
      other);
  Add("2026-11-02", {{"u3", "s9", EventType::kAddToCart, "E", "09:00"}});
  SignalBuilder builder(db_->url());
  SignalBuildOptions options = Options();
  options.tenant = "shop";
  ASSERT_TRUE(builder.Run(options).ok());
  EXPECT_EQ(QueryOne(conn, "SELECT count(*) FROM item_popularity_daily_default"), "0");
  EXPECT_EQ(Rows("item_popularity_daily"), "A=3 B=6 C=3 E=3");
  EXPECT_EQ(Rows("item_popularity_daily", other), "hand=7");
  options.tenant = "other";
  ASSERT_TRUE(builder.Run(options).ok());
  EXPECT_EQ(Rows("item_popularity_daily", other), "X=1 Y=1");  // its events replace the hand row
  EXPECT_EQ(Rows("item_covisit_daily", other), "X>Y=1 Y>X=1");
  options.tenant = "shop";
  options.full = true;
  ASSERT_TRUE(builder.Run(options).ok());
  EXPECT_EQ(Rows("item_covisit_daily"), "A>B=1 A>C=2 B>A=1 B>C=1 C>A=2 C>B=1");
  EXPECT_EQ(Rows("item_covisit_daily", other), "X>Y=1 Y>X=1");
  // One partition per day and table, each with its primary key, nothing left over.
  EXPECT_EQ(
      QueryOne(conn,
               "SELECT string_agg(c.relname || ':' || i.relname, ' ' ORDER BY c.relname) "
               "FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid "
               "JOIN pg_index x ON x.indrelid = c.oid JOIN pg_class i ON i.oid = x.indexrelid "
               "WHERE h.inhparent = 'item_covisit_daily'::regclass"),
      "item_covisit_daily_20261101:item_covisit_daily_20261101_pkey "
      "item_covisit_daily_20261102:item_covisit_daily_20261102_pkey "
      "item_covisit_daily_default:item_covisit_daily_default_pkey");
}

// Readers never see a half day while days are swapped in whole: a reader's count of the tenant's
// rows is always the full one, and no read fails on a partition that went away.
TEST_P(SignalBuilderTest, ReadersSeeWholeDaysWhileDaysAreSwapped) {
  AddFirstDay();
  Add("2026-11-02", {{"u3", "s9", EventType::kAddToCart, "E", "09:00"},
                     {"u3", "s9", EventType::kView, "A", "09:01"}});
  SignalBuilder builder(db_->url());
  ASSERT_TRUE(builder.Run(Options()).ok());
  const std::string expected = Rows("item_covisit_daily") + " | " + Rows("item_sequence_daily");
  std::atomic<bool> done{false};
  std::thread rebuilds([&] {
    SignalBuildOptions full = Options();
    full.full = true;
    for (int i = 0; i < 15; ++i) EXPECT_TRUE(builder.Run(full).ok());
    done = true;
  });
  int reads = 0;
  while (!done) {
    auto reader = db_->Connect();
    ASSERT_TRUE(reader.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").ok());
    auto rows = reader.Query(
        "SELECT (SELECT string_agg(item_id || '>' || neighbor_id || '=' || "
        "trim(trailing '.' FROM trim(trailing '0' FROM score::text)), ' ' "
        "ORDER BY item_id, neighbor_id) FROM item_covisit_daily WHERE tenant_id = $1) || ' | ' || "
        "(SELECT string_agg(item_id || '>' || neighbor_id || '=' || "
        "trim(trailing '.' FROM trim(trailing '0' FROM score::text)), ' ' "
        "ORDER BY item_id, neighbor_id) FROM item_sequence_daily WHERE tenant_id = $1)",
        {tenant_});
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(rows.value().Get(0, 0), expected);
    ASSERT_TRUE(reader.Exec("COMMIT").ok());
    ++reads;
  }
  rebuilds.join();
  EXPECT_GT(reads, 0);
}

// Derived rows keep no foreign key (schema.md); a trigger removes a deleted tenant's rows.
TEST_P(SignalBuilderTest, DeletingATenantRemovesItsSignals) {
  AddFirstDay();
  SignalBuilder builder(db_->url());
  ASSERT_TRUE(builder.Run(Options()).ok());
  auto conn = db_->Connect();
  ASSERT_TRUE(conn.Query("DELETE FROM interaction_events WHERE tenant_id = $1", {tenant_}).ok());
  ASSERT_TRUE(conn.Query("DELETE FROM tenants WHERE id = $1", {tenant_}).ok());
  EXPECT_EQ(QueryOne(conn,
                     "SELECT (SELECT count(*) FROM item_popularity_daily) + "
                     "(SELECT count(*) FROM item_covisit_daily) + "
                     "(SELECT count(*) FROM item_sequence_daily)"),
            "0");
}

TEST_P(SignalBuilderTest, AnAnnouncedBuildKeepsItsBaseAsAVersionWithItsManifest) {
  AddFirstDay();
  SignalBuildOptions options;
  options.method = GetParam();
  options.versions_keep = 2;
  options.built_by = "tester";
  SignalBuilder builder(db_->url());
  auto report = builder.Run(options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report.value().versions, 1);
  auto conn = db_->Connect();
  EXPECT_EQ(
      QueryOne(
          conn,
          "SELECT version || ' ' || trigger || ' ' || built_by || ' ' || days::text || "
          "' ' || events || ' ' || (popularity_rows > 0) || ' ' || (covisit_rows > 0) "
          "|| ' ' || (through_day = (now() AT TIME ZONE 'UTC')::date) || ' ' || (items > 0) || ' ' "
          "|| (bytes > 0) "
          "FROM tenant_signal_builds"),
      "1 cli tester {2026-11-01} 8 true true true true true");
  // Nothing new: nothing announced, no version.
  report = builder.Run(options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report.value().versions, 0);
  // Two more builds: only the newest two are kept.
  options.full = true;
  ASSERT_TRUE(builder.Run(options).ok());
  ASSERT_TRUE(builder.Run(options).ok());
  EXPECT_EQ(QueryOne(conn,
                     "SELECT string_agg(version::text, ',' ORDER BY version) "
                     "FROM tenant_signal_builds"),
            "2,3");
}

INSTANTIATE_TEST_SUITE_P(BothMethods, SignalBuilderTest,
                         ::testing::Values(SignalBuildMethod::kSql, SignalBuildMethod::kStreaming),
                         [](const auto& info) {
                           return info.param == SignalBuildMethod::kSql ? "Sql" : "Streaming";
                         });

}  // namespace
}  // namespace recsys::store
