#include "store/partitions.h"

#include <gtest/gtest.h>

#include "testing/test_db.h"

namespace recsys::store {
namespace {

using testing::TestDatabase;

int PartitionCount(PgConnection& conn, const std::string& parent) {
  return std::stoi(testing::QueryOne(
      conn, "SELECT count(*) FROM pg_inherits WHERE inhparent = $1::regclass", {parent}));
}

constexpr const char* kInsertExposure =
    "INSERT INTO exposure_events (tenant_id, occurred_at, request_id, surface, segment, "
    "algo_version, request, response) VALUES (gen_random_uuid(), $1::timestamptz, "
    "gen_random_uuid(), 'home', 'default', 'test', '{}', '{}') RETURNING tableoid::regclass::text";

TEST(PartitionsTest, MigrationCreatesThisMonthAndThreeAheadPlusDefault) {
  auto db = TestDatabase::Create("partitions_initial");
  PgConnection conn = db->Connect();
  EXPECT_EQ(PartitionCount(conn, "exposure_events"), 5);
  EXPECT_EQ(PartitionCount(conn, "interaction_events"), 5);
  const std::string this_month =
      testing::QueryOne(conn, "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYYMM')");
  EXPECT_EQ(testing::QueryOne(conn, kInsertExposure, {"now"}), "exposure_events_p" + this_month);
}

TEST(PartitionsTest, EnsureIsIdempotent) {
  auto db = TestDatabase::Create("partitions_idempotent");
  PgConnection conn = db->Connect();
  auto first = EnsurePartitions(conn, 6);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first.value().size(), 6u);  // months 4..6 ahead, for both tables
  auto second = EnsurePartitions(conn, 6);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second.value().empty());
  EXPECT_FALSE(EnsurePartitions(conn, -1).ok());
}

TEST(PartitionsTest, EveryPartitionKeepsRowsUpTo8KbInlineAndUncompressed) {
  auto db = TestDatabase::Create("partitions_inline");
  PgConnection conn = db->Connect();
  ASSERT_TRUE(EnsurePartitions(conn, 6).ok());
  const char* kWithout =
      "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
      "WHERE i.inhparent IN ('exposure_events'::regclass, 'interaction_events'::regclass) "
      "AND NOT coalesce('toast_tuple_target=8160' = ANY (c.reloptions), false)";
  EXPECT_EQ(testing::QueryOne(conn, kWithout), "0");  // made by the migration and afterwards
  EXPECT_EQ(PartitionCount(conn, "exposure_events"), 8);
  // A 4 KB request is stored as it came, not compressed.
  const std::string big = "{\"exclude_ids\": [\"" + std::string(4000, 'x') + "\"]}";
  ASSERT_TRUE(conn.Query("INSERT INTO exposure_events (tenant_id, occurred_at, request_id, "
                         "surface, segment, algo_version, request, response) VALUES "
                         "(gen_random_uuid(), now(), gen_random_uuid(), 'home', 'default', 't', "
                         "$1::json, '{}')",
                         {big})
                  .ok());
  EXPECT_EQ(testing::QueryOne(conn, "SELECT pg_column_size(request) >= 4000 FROM exposure_events"),
            "t");
}

TEST(PartitionsTest, RowsInDefaultAreMovedWhenTheirPartitionIsCreated) {
  auto db = TestDatabase::Create("partitions_default");
  PgConnection conn = db->Connect();
  const std::string future = testing::QueryOne(conn, "SELECT (now() + interval '5 years')::text");
  const std::string month = testing::QueryOne(
      conn, "SELECT to_char($1::timestamptz AT TIME ZONE 'UTC', 'YYYYMM')", {future});
  ASSERT_EQ(testing::QueryOne(conn, kInsertExposure, {future}), "exposure_events_default");
  ASSERT_TRUE(conn.Query("INSERT INTO interaction_events (tenant_id, occurred_at, event_type, "
                         "item_id) VALUES (gen_random_uuid(), $1::timestamptz, 'click', 'i1')",
                         {future})
                  .ok());

  auto created = EnsurePartitions(conn, 61);
  ASSERT_TRUE(created.ok()) << created.status().ToString();

  EXPECT_EQ(testing::QueryOne(conn, "SELECT tableoid::regclass::text FROM exposure_events"),
            "exposure_events_p" + month);
  EXPECT_EQ(testing::QueryOne(conn, "SELECT tableoid::regclass::text FROM interaction_events"),
            "interaction_events_p" + month);
  EXPECT_EQ(testing::QueryOne(conn, "SELECT count(*) FROM exposure_events_default"), "0");
  EXPECT_EQ(testing::QueryOne(conn, "SELECT count(*) FROM exposure_events"), "1");
}

TEST(PartitionsTest, PruneDropsOnlyMonthsPastRetention) {
  auto db = TestDatabase::Create("partitions_prune");
  PgConnection conn = db->Connect();
  ASSERT_EQ(testing::QueryOne(
                conn, "SELECT recsys_ensure_partition('exposure_events', date '2020-01-15')"),
            "exposure_events_p202001");
  ASSERT_EQ(testing::QueryOne(conn, kInsertExposure, {"2020-01-20T10:00:00Z"}),
            "exposure_events_p202001");
  ASSERT_EQ(testing::QueryOne(conn, kInsertExposure, {"2019-06-01T00:00:00Z"}),
            "exposure_events_default");

  auto dropped = PrunePartitions(conn, 365);
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  ASSERT_EQ(dropped.value().size(), 1u);
  EXPECT_EQ(dropped.value()[0], "exposure_events_p202001");
  EXPECT_EQ(testing::QueryOne(conn, "SELECT to_regclass('exposure_events_p202001') IS NULL"), "t");
  EXPECT_EQ(testing::QueryOne(conn, "SELECT count(*) FROM exposure_events"),
            "1");  // DEFAULT is never pruned
  EXPECT_EQ(PartitionCount(conn, "exposure_events"), 5);

  auto again = PrunePartitions(conn, 365);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again.value().empty());
}

}  // namespace
}  // namespace recsys::store
