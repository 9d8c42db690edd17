#include "store/demo_seed.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/test_db.h"

namespace recsys::store {
namespace {

std::string Counts(PgConnection& conn) {
  auto r = conn.Query(
      "SELECT (SELECT count(*) FROM tenants WHERE external_id = 'demo') || ' ' ||"
      " (SELECT count(*) FROM item_tags) || ' ' ||"
      " (SELECT count(DISTINCT day) FROM item_popularity_daily) || ' ' ||"
      " (SELECT count(*) FROM item_covisit_daily) || ' ' ||"
      " (SELECT count(*) FROM tenant_config_versions) || ' ' ||"
      " (SELECT count(*) FROM tenant_configs_current) || ' ' ||"
      " (SELECT count(*) FROM tenant_rule_versions) || ' ' ||"
      " (SELECT count(*) FROM tenant_rules_current) || ' ' ||"
      " (SELECT count(*) FROM audit_log)");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::string(r.value().Get(0, 0)) : "";
}

TEST(DemoSeedTest, SeedsACatalogAndIsIdempotent) {
  auto db = testing::TestDatabase::Create("demo_seed");
  PgConnection conn = db->Connect();
  ASSERT_TRUE(SeedDemo(conn).ok());
  const std::string first = Counts(conn);
  // tenant, items, popularity days, co-visitation rows, config versions and pointer, rule
  // versions and pointer, audit rows
  EXPECT_TRUE(::testing::Matches(::testing::MatchesRegex("1 300 30 [1-9][0-9]+ 1 1 1 1 1"))(first))
      << first;
  ASSERT_TRUE(SeedDemo(conn).ok());
  EXPECT_EQ(Counts(conn), first);

  auto tags = conn.Query(
      "SELECT count(*) FROM item_tags WHERE tags[1] LIKE 'brand:%' AND tags[2] LIKE 'category:%'");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(tags.value().Get(0, 0), "300");
  auto config = conn.Query(
      "SELECT v.config->'weights'->>'pop' FROM tenant_configs_current c "
      "JOIN tenant_config_versions v ON v.id = c.config_version_id");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config.value().Get(0, 0), "1.0");
}

}  // namespace
}  // namespace recsys::store
