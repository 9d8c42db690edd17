#include "store/migrator.h"

#include <gtest/gtest.h>

#include <thread>

#include "testing/test_db.h"

namespace recsys::store {
namespace {

using testing::TestDatabase;

// Everything a migration defines, as text, for comparing two schemas.
std::string SchemaFingerprint(PgConnection& conn) {
  auto rows = conn.Query(R"sql(
    SELECT string_agg(line, E'\n' ORDER BY line) FROM (
      SELECT 'col ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
             || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
             || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') AS line
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0
         AND NOT a.attisdropped AND c.relname <> 'schema_migrations'
      UNION ALL
      SELECT 'idx ' || regexp_replace(indexdef, 'INDEX \S+ ON', 'INDEX ON') FROM pg_indexes
       WHERE schemaname = 'public' AND tablename <> 'schema_migrations'
      UNION ALL
      SELECT 'con ' || conrelid::regclass || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
       WHERE connamespace = 'public'::regnamespace AND conrelid <> 'schema_migrations'::regclass
      UNION ALL
      SELECT 'trg ' || tgrelid::regclass || ' ' || tgname FROM pg_trigger WHERE NOT tgisinternal
      UNION ALL
      SELECT 'fn ' || p.oid::regprocedure::text FROM pg_proc p
       WHERE p.pronamespace = 'public'::regnamespace
      UNION ALL
      SELECT 'type ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname
    ) lines)sql");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? std::string(rows.value().Get(0, 0)) : "";
}

int CountTables(PgConnection& conn) {
  auto rows = conn.Query(
      "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> "
      "'schema_migrations'");
  return rows.ok() ? std::stoi(std::string(rows.value().Get(0, 0))) : -1;
}

TEST(MigratorTest, UpAppliesAllThenIsANoOp) {
  auto db = TestDatabase::Create("migrator_up", /*migrate=*/false);
  PgConnection conn = db->Connect();
  Migrator migrator(conn, EmbeddedMigrations());
  EXPECT_FALSE(migrator.CheckCurrent().ok());

  auto first = migrator.Up();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first.value().size(), EmbeddedMigrations().size());
  EXPECT_TRUE(migrator.CheckCurrent().ok());

  const std::string before = SchemaFingerprint(conn);
  auto second = migrator.Up();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second.value().empty());
  EXPECT_EQ(SchemaFingerprint(conn), before);
}

TEST(MigratorTest, DownUpRoundTripLeavesTheSameSchema) {
  auto db = TestDatabase::Create("migrator_round_trip", /*migrate=*/false);
  PgConnection conn = db->Connect();
  Migrator migrator(conn, EmbeddedMigrations());
  ASSERT_TRUE(migrator.Up().ok());
  const std::string migrated = SchemaFingerprint(conn);
  ASSERT_NE(migrated.find("col tenants.external_id text not null"), std::string::npos) << migrated;

  auto down = migrator.Down(static_cast<int>(EmbeddedMigrations().size()));
  ASSERT_TRUE(down.ok()) << down.status().ToString();
  EXPECT_EQ(down.value().front(), EmbeddedMigrations().back().name);  // newest first
  EXPECT_EQ(CountTables(conn), 0);
  EXPECT_FALSE(migrator.CheckCurrent().ok());

  ASSERT_TRUE(migrator.Up().ok());
  EXPECT_EQ(SchemaFingerprint(conn), migrated);
}

TEST(MigratorTest, DownOneRollsBackOnlyTheNewest) {
  auto db = TestDatabase::Create("migrator_down_one", /*migrate=*/true);
  PgConnection conn = db->Connect();
  Migrator migrator(conn, EmbeddedMigrations());
  auto down = migrator.Down(1);
  ASSERT_TRUE(down.ok()) << down.status().ToString();
  ASSERT_EQ(down.value().size(), 1u);
  auto status = migrator.Status();
  ASSERT_TRUE(status.ok());
  EXPECT_FALSE(status.value().back().applied);
  EXPECT_TRUE(status.value().front().applied);
  Status check = migrator.CheckCurrent();
  EXPECT_EQ(check.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(check.message().find("migrate up"), std::string::npos);
  EXPECT_NE(check.message().find(EmbeddedMigrations().back().name), std::string::npos);
}

TEST(MigratorTest, RefusesAnEditedAppliedMigration) {
  auto db = TestDatabase::Create("migrator_edited", /*migrate=*/true);
  PgConnection conn = db->Connect();
  std::vector<Migration> edited = EmbeddedMigrations();
  edited[1] = MakeMigration(edited[1].name, edited[1].up + "\n-- edited\n", edited[1].down);

  Migrator migrator(conn, edited);
  auto up = migrator.Up();
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(up.status().message().find(edited[1].name), std::string::npos);
  EXPECT_NE(up.status().message().find("changed"), std::string::npos);
  EXPECT_FALSE(migrator.CheckCurrent().ok());
  EXPECT_FALSE(migrator.Down(1).ok());
}

TEST(MigratorTest, RefusesADatabaseMigratedByANewerBinary) {
  auto db = TestDatabase::Create("migrator_newer", /*migrate=*/true);
  PgConnection conn = db->Connect();
  std::vector<Migration> newer = EmbeddedMigrations();
  newer.push_back(
      MakeMigration("9999_future", "CREATE TABLE future (id int)", "DROP TABLE future"));
  ASSERT_TRUE(Migrator(conn, newer).Up().ok());

  Status check = Migrator(conn, EmbeddedMigrations()).CheckCurrent();
  EXPECT_EQ(check.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(check.message().find("9999_future"), std::string::npos);
  EXPECT_FALSE(Migrator(conn, EmbeddedMigrations()).Up().ok());
  // Serving, though, goes on: the newer release only added (a rolling upgrade).
  EXPECT_TRUE(Migrator(conn, EmbeddedMigrations()).CheckServable().ok());
}

TEST(MigratorTest, NotServableWhileItsOwnMigrationsArePendingOrChanged) {
  auto db = TestDatabase::Create("migrator_servable", /*migrate=*/false);
  PgConnection conn = db->Connect();
  std::vector<Migration> older(EmbeddedMigrations().begin(), EmbeddedMigrations().end() - 1);
  ASSERT_TRUE(Migrator(conn, older).Up().ok());
  EXPECT_EQ(Migrator(conn, EmbeddedMigrations()).CheckServable().code(),
            StatusCode::kFailedPrecondition);
  std::vector<Migration> edited = older;
  edited.back().checksum = "edited";
  EXPECT_FALSE(Migrator(conn, edited).CheckServable().ok());
}

TEST(MigratorTest, AFailingMigrationRollsBackAndIsNotRecorded) {
  auto db = TestDatabase::Create("migrator_failing", /*migrate=*/false);
  PgConnection conn = db->Connect();
  std::vector<Migration> broken = {
      MakeMigration("0001_ok", "CREATE TABLE a (id int)", "DROP TABLE a"),
      MakeMigration("0002_bad", "CREATE TABLE b (id int); SELECT no_such_function()",
                    "DROP TABLE b")};
  auto up = Migrator(conn, broken).Up();
  ASSERT_FALSE(up.ok());
  EXPECT_NE(up.status().message().find("0002_bad"), std::string::npos);
  auto b = conn.Query("SELECT to_regclass('b') IS NULL, count(*) FROM schema_migrations");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.value().Get(0, 0), "t");
  EXPECT_EQ(b.value().Get(0, 1), "1");
}

TEST(MigratorTest, ConcurrentUpsApplyEachMigrationOnce) {
  auto db = TestDatabase::Create("migrator_concurrent", /*migrate=*/false);
  std::vector<Result<std::vector<std::string>>> results(4, Status::Internal("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      PgConnection conn = db->Connect();
      results[i] = Migrator(conn, EmbeddedMigrations()).Up();
    });
  }
  for (auto& t : threads) t.join();
  size_t applied = 0;
  for (auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    applied += r.value().size();
  }
  EXPECT_EQ(applied, EmbeddedMigrations().size());
  PgConnection conn = db->Connect();
  EXPECT_TRUE(Migrator(conn, EmbeddedMigrations()).CheckCurrent().ok());
}

}  // namespace
}  // namespace recsys::store
