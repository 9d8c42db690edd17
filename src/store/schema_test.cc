// The schema's own promises, checked on a freshly migrated database.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "core/uuid.h"
#include "crypto/digest.h"
#include "store/migration.h"
#include "store/migrator.h"
#include "testing/test_db.h"

namespace recsys::store {
namespace {

using testing::TestDatabase;

// The types of exposure_events' three document columns, as "meta T,request T,response T".
std::string ExposureDocumentTypes(PgConnection& conn) {
  return testing::QueryOne(
      conn,
      "SELECT string_agg(attname || ' ' || format_type(atttypid, NULL), ',' ORDER BY attname) "
      "FROM pg_attribute WHERE attrelid = 'exposure_events'::regclass "
      "AND attname IN ('request', 'response', 'meta')");
}

// The indexes of `table` as "method (columns)", sorted; a primary key's marked "pk ".
std::string IndexesOf(PgConnection& conn, const std::string& table) {
  return testing::QueryOne(
      conn,
      "SELECT string_agg(d, ',' ORDER BY d) FROM (SELECT CASE WHEN indisprimary THEN 'pk ' "
      "ELSE '' END || regexp_replace(pg_get_indexdef(indexrelid), '.* USING ', '') AS d "
      "FROM pg_index WHERE indrelid = $1::regclass) indexes",
      {table});
}

class SchemaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { db_ = TestDatabase::Create("schema").release(); }
  static void TearDownTestSuite() { delete db_; }

  void SetUp() override {
    ASSERT_NE(db_, nullptr);
    conn_.emplace(db_->Connect());
  }

  std::string One(const std::string& sql, const std::vector<PgParam>& params = {}) {
    auto r = conn_->Query(sql, params);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() && r.value().rows() > 0 ? std::string(r.value().Get(0, 0)) : "";
  }

  std::string NewTenant(const std::string& external_id) {
    return One("INSERT INTO tenants (external_id, name) VALUES ($1, $1) RETURNING id",
               {external_id});
  }

  static TestDatabase* db_;
  std::optional<PgConnection> conn_;
};
TestDatabase* SchemaTest::db_ = nullptr;

TEST_F(SchemaTest, MatchesTheSharedSchemaContract) {
  const std::filesystem::path checker =
      std::filesystem::path(RECSYS_SOURCE_DIR) / ".." / "shared" / "tools" / "schema_check.py";
  // The contract lives beside the repository (as in CI); without it this test cannot pass.
  ASSERT_TRUE(std::filesystem::exists(checker)) << "no " << checker << " beside the repo";
  std::string output;
  int rc = testing::RunShell("python3 " + checker.string() + " '" + db_->url() + "'", &output);
  EXPECT_EQ(rc, 0) << output;
  EXPECT_NE(output.find("schema: 0 differences"), std::string::npos) << output;
}

TEST_F(SchemaTest, VersionTablesAndAuditLogAreAppendOnly) {
  const std::string tenant = NewTenant("append-only");
  const std::string config =
      One("INSERT INTO tenant_config_versions (tenant_id, config, created_by_sub) "
          "VALUES ($1, '{\"weights\":{\"pop\":1}}', 'test') RETURNING id",
          {tenant});
  const std::string rules =
      One("INSERT INTO tenant_rule_versions (tenant_id, rules, created_by_sub) "
          "VALUES ($1, '[]', 'test') RETURNING id",
          {tenant});
  const std::string audit =
      One("INSERT INTO audit_log (tenant_id, actor_sub, actor_type, action) "
          "VALUES ($1, 'test', 'user', 'config.update') RETURNING id",
          {tenant});

  const std::vector<std::pair<std::string, std::string>> cases = {
      {"UPDATE tenant_config_versions SET comment = 'x' WHERE id = $1", config},
      {"DELETE FROM tenant_config_versions WHERE id = $1", config},
      {"UPDATE tenant_rule_versions SET rules = '[{}]' WHERE id = $1", rules},
      {"DELETE FROM tenant_rule_versions WHERE id = $1", rules},
      {"UPDATE audit_log SET action = 'forged' WHERE id = $1::bigint", audit},
      {"DELETE FROM audit_log WHERE id = $1::bigint", audit},
  };
  for (const auto& [sql, id] : cases) {
    auto r = conn_->Query(sql, {id});
    ASSERT_FALSE(r.ok()) << sql;
    EXPECT_NE(r.status().message().find("append-only"), std::string::npos) << r.status().message();
  }
  EXPECT_EQ(One("SELECT action FROM audit_log WHERE id = $1::bigint", {audit}), "config.update");
}

TEST_F(SchemaTest, AuditSurvivesTheRemovalOfItsTenant) {
  const std::string tenant = NewTenant("short-lived");
  const std::string audit =
      One("INSERT INTO audit_log (tenant_id, actor_sub, actor_type, action) "
          "VALUES ($1, 'test', 'user', 'tenant.create') RETURNING id",
          {tenant});
  ASSERT_TRUE(conn_->Query("DELETE FROM tenants WHERE id = $1", {tenant}).ok());
  EXPECT_EQ(One("SELECT coalesce(tenant_id::text, 'null') || ' ' || action FROM audit_log "
                "WHERE id = $1::bigint",
                {audit}),
            "null tenant.create");
}

TEST_F(SchemaTest, EtagIsTheSha256OfTheJsonTextAndUniquePerTenant) {
  const std::string a = NewTenant("etag-a");
  const std::string b = NewTenant("etag-b");
  const std::string doc =
      R"({"weights": {"pop": 1, "cooc": 0.5}, "flags": {"enable_rules": true}})";
  const std::string etag =
      One("INSERT INTO tenant_config_versions (tenant_id, config, created_by_sub) "
          "VALUES ($1, $2::jsonb, 'test') RETURNING etag",
          {a, doc});
  const std::string text = One("SELECT $1::jsonb::text", {doc});
  EXPECT_EQ(etag, crypto::Sha256Hex(text));
  EXPECT_EQ(etag.size(), 64u);

  auto again = conn_->Query(
      "INSERT INTO tenant_config_versions (tenant_id, config, created_by_sub) "
      "VALUES ($1, $2::jsonb, 'test')",
      {a, doc});
  EXPECT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("duplicate key"), std::string::npos);

  // Re-saving identical content finds the existing version instead of adding one.
  EXPECT_EQ(
      One("WITH ins AS (INSERT INTO tenant_config_versions (tenant_id, config, created_by_sub) "
          "VALUES ($1, $2::jsonb, 'test') ON CONFLICT (tenant_id, etag) DO NOTHING "
          "RETURNING id) SELECT count(*) FROM ins",
          {a, doc}),
      "0");

  // Another tenant may hold the same document.
  EXPECT_EQ(One("INSERT INTO tenant_config_versions (tenant_id, config, created_by_sub) "
                "VALUES ($1, $2::jsonb, 'test') RETURNING etag",
                {b, doc}),
            etag);
  const std::string rules_etag =
      One("INSERT INTO tenant_rule_versions (tenant_id, rules, created_by_sub) "
          "VALUES ($1, '[{\"action\": \"pin\"}]', 'test') RETURNING etag",
          {a});
  EXPECT_EQ(rules_etag, crypto::Sha256Hex(R"([{"action": "pin"}])"));
}

TEST_F(SchemaTest, RowLevelSecurityShowsTheReaderOnlyItsTenant) {
  const std::string a = NewTenant("rls-a");
  const std::string b = NewTenant("rls-b");
  ASSERT_TRUE(
      conn_
          ->Query("INSERT INTO item_tags (tenant_id, item_id) VALUES ($1, 'a1'), ($1, 'a2'), "
                  "($2, 'b1')",
                  {a, b})
          .ok());
  ASSERT_TRUE(conn_->Exec("BEGIN; SET LOCAL ROLE recsys_reader").ok());
  EXPECT_EQ(One("SELECT count(*) FROM item_tags"), "0");  // no tenant set: nothing
  ASSERT_TRUE(conn_->Query("SELECT set_config('app.tenant_id', $1, true)", {a}).ok());
  EXPECT_EQ(One("SELECT count(*) FROM item_tags"), "2");  // no WHERE clause, still only a's
  EXPECT_EQ(One("SELECT count(*) FROM item_tags WHERE tenant_id = $1", {b}), "0");
  auto write = conn_->Query("DELETE FROM item_tags");
  EXPECT_FALSE(write.ok());  // the reader cannot write
  ASSERT_TRUE(conn_->Exec("ROLLBACK").ok());
  EXPECT_EQ(One("SELECT count(*) FROM item_tags WHERE tenant_id IN ($1, $2)", {a, b}), "3");
}

TEST_F(SchemaTest, ExposureDocumentsAreJsonWithBrinOnTimeAndOneRequestIdBtree) {
  EXPECT_EQ(ExposureDocumentTypes(*conn_), "meta json,request json,response json");
  const std::string lean = "brin (occurred_at),btree (tenant_id, request_id)";
  EXPECT_EQ(IndexesOf(*conn_, "exposure_events"), lean);
  EXPECT_EQ(IndexesOf(*conn_, "exposure_events_default"), lean);
  // A partition the maintainer makes later gets the same two indexes and no more.
  EXPECT_EQ(One("SELECT recsys_ensure_partition('exposure_events', date '2019-03-01')"),
            "exposure_events_p201903");
  EXPECT_EQ(IndexesOf(*conn_, "exposure_events_p201903"), lean);
  ASSERT_TRUE(conn_->Exec("DROP TABLE exposure_events_p201903").ok());
}

TEST_F(SchemaTest, AnExposureIsFoundByRequestIdWithinTheMinuteItsIdCarries) {
  const std::string tenant = NewTenant("exposure-lookup");
  const std::string request_id = NewUuidV7();
  ASSERT_TRUE(conn_
                  ->Query("INSERT INTO exposure_events (tenant_id, occurred_at, request_id, "
                          "surface, segment, algo_version, request, response) VALUES "
                          "($1, now(), $2, 'home', 'default', 't', '{\"k\": 3}', '{}')",
                          {tenant, request_id})
                  .ok());
  // A UUIDv7 starts with its Unix milliseconds: the row is within a minute of them.
  const std::string by_request_id =
      "FROM exposure_events WHERE tenant_id = $1 AND request_id = $2::uuid AND occurred_at "
      "BETWEEN to_timestamp(('x' || left(replace($2::text, '-', ''), 12))::bit(48)::bigint / "
      "1000.0) "
      "- interval '1 minute' AND to_timestamp(('x' || left(replace($2::text, '-', ''), "
      "12))::bit(48)"
      "::bigint / 1000.0) + interval '1 minute'";
  EXPECT_EQ(One("SELECT request->>'k' " + by_request_id, {tenant, request_id}), "3");
  // The bound prunes the partitions: the DEFAULT one (and the months ahead) are not read.
  auto plan = conn_->Query("EXPLAIN (COSTS OFF) SELECT 1 " + by_request_id, {tenant, request_id});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  std::string text;
  for (int row = 0; row < plan.value().rows(); ++row) {
    text.append(plan.value().Get(row, 0)).append("\n");
  }
  EXPECT_NE(text.find("exposure_events_p"), std::string::npos) << text;
  EXPECT_EQ(text.find("exposure_events_default"), std::string::npos) << text;
}

TEST(LeanExposureMigrationTest, DownRestoresJsonbAndTheFourBtrees) {
  auto db = TestDatabase::Create("schema_lean_down");
  PgConnection conn = db->Connect();
  ASSERT_TRUE(conn.Query("INSERT INTO exposure_events (tenant_id, occurred_at, request_id, "
                         "surface, segment, algo_version, request, response) VALUES "
                         "(gen_random_uuid(), now(), gen_random_uuid(), 'home', 'default', 't', "
                         "'{\"k\": 3}', '{}')")
                  .ok());
  int newer = 0;  // 0012_lean_exposures and any migration after it
  for (const Migration& migration : EmbeddedMigrations()) {
    if (migration.name >= "0012_lean_exposures") ++newer;
  }
  Migrator migrator(conn, EmbeddedMigrations());
  auto down = migrator.Down(newer);
  ASSERT_TRUE(down.ok()) << down.status().ToString();
  EXPECT_EQ(down.value().back(), "0012_lean_exposures");
  EXPECT_EQ(ExposureDocumentTypes(conn), "meta jsonb,request jsonb,response jsonb");
  EXPECT_EQ(IndexesOf(conn, "exposure_events"),
            "btree (tenant_id, occurred_at DESC),btree (tenant_id, request_id),"
            "btree (tenant_id, user_key, occurred_at DESC),pk btree (occurred_at, id)");
  EXPECT_EQ(testing::QueryOne(conn, "SELECT request->'k' FROM exposure_events"), "3");
}

TEST_F(SchemaTest, UpdatedAtIsMaintained) {
  const std::string tenant = NewTenant("touch");
  const std::string before = One("SELECT updated_at FROM tenants WHERE id = $1", {tenant});
  ASSERT_TRUE(conn_->Query("SELECT pg_sleep(0.01)").ok());
  ASSERT_TRUE(conn_->Query("UPDATE tenants SET name = 'renamed' WHERE id = $1", {tenant}).ok());
  EXPECT_EQ(One("SELECT updated_at > $2::timestamptz FROM tenants WHERE id = $1", {tenant, before}),
            "t");
}

}  // namespace
}  // namespace recsys::store
