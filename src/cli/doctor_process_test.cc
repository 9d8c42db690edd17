// `recsys-service doctor`: healthy first, then each condition broken in turn.
#include <gtest/gtest.h>

#include <string>

#include "core/uuid.h"
#include "testing/test_db.h"

namespace recsys {
namespace {

using testing::QueryOne;

class DoctorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::SeededDemoDatabase("doctor");
    ASSERT_NE(db_, nullptr);
    spill_ = "/tmp/recsys-doctor-spill-" + NewUuidV4();
  }
  void TearDown() override { testing::RunShell("rm -rf " + spill_); }

  // Runs doctor; returns its exit code and fills *out.
  int Doctor(std::string* out, const std::string& args = "--tenant demo --surface home") {
    return testing::RunRecsys(db_->url(), "doctor " + args, out, "RECSYS_SPILL_DIR=" + spill_);
  }
  void Exec(const std::string& sql) {
    auto conn = db_->Connect();
    ASSERT_TRUE(conn.Exec(sql).ok()) << sql;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::string spill_;
};

TEST_F(DoctorTest, AHealthyTenantPassesEveryCheck) {
  Exec(
      "INSERT INTO interaction_events (tenant_id, occurred_at, event_type, item_id) "
      "SELECT id, now(), 'view', 'item-0001' FROM tenants WHERE external_id = 'demo'");
  std::string out;
  EXPECT_EQ(Doctor(&out), 0) << out;
  EXPECT_EQ(out.find("fail"), std::string::npos) << out;
  EXPECT_EQ(out.find("warn"), std::string::npos) << out;
  EXPECT_NE(out.find("ok    dry run"), std::string::npos) << out;
}

TEST_F(DoctorTest, EachBrokenConditionIsNamedWithItsFix) {
  std::string out;
  EXPECT_EQ(Doctor(&out, "--tenant nobody"), 1);
  EXPECT_NE(out.find("fail  tenant"), std::string::npos) << out;
  EXPECT_NE(out.find("recsys-service tenants create nobody"), std::string::npos) << out;

  // No events lately: a warning only.
  EXPECT_EQ(Doctor(&out), 0) << out;
  EXPECT_NE(out.find("warn  events"), std::string::npos) << out;

  // Spilled exposure rows waiting.
  ASSERT_EQ(testing::RunShell("mkdir -p " + spill_ + " && touch " + spill_ + "/exposures-1-0.copy"),
            0);
  Doctor(&out);
  EXPECT_NE(out.find("warn  exposures"), std::string::npos) << out;

  // Rules that block every item.
  Exec(
      "WITH v AS (INSERT INTO tenant_rule_versions (tenant_id, rules, created_by_sub) "
      "SELECT t.id, (SELECT jsonb_agg(jsonb_build_object('action', 'block', 'target_type', "
      "'category', 'target_key', c)) FROM (SELECT DISTINCT substr(tag, 10) AS c FROM item_tags, "
      "unnest(tags) tag WHERE tag LIKE 'category:%') cs), 'test' FROM tenants t "
      "WHERE external_id = 'demo' RETURNING id, tenant_id) "
      "INSERT INTO tenant_rules_current (tenant_id, rules_version_id, updated_by_sub) "
      "SELECT tenant_id, id, 'test' FROM v "
      "ON CONFLICT (tenant_id) DO UPDATE SET rules_version_id = EXCLUDED.rules_version_id");
  EXPECT_EQ(Doctor(&out), 1);
  EXPECT_NE(out.find("the rules block every candidate"), std::string::npos) << out;
  Exec("DELETE FROM tenant_rules_current");

  // Stale signals, then none at all.
  Exec("UPDATE item_popularity_daily SET day = day - 60");
  Doctor(&out);
  EXPECT_NE(out.find("warn  freshness"), std::string::npos) << out;
  Exec("DELETE FROM item_popularity_daily");
  EXPECT_EQ(Doctor(&out), 1);
  EXPECT_NE(out.find("fail  signals"), std::string::npos) << out;
  EXPECT_NE(out.find("signals build --tenant demo"), std::string::npos) << out;

  // Partitions missing ahead.
  Exec("SELECT recsys_prune_partitions(interval '0 days')");
  Exec(
      "DO $$ DECLARE p record; BEGIN FOR p IN SELECT c.relname FROM pg_inherits i "
      "JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relname ~ '_p[0-9]{6}$' LOOP "
      "EXECUTE format('DROP TABLE %I', p.relname); END LOOP; END $$");
  EXPECT_EQ(Doctor(&out), 1);
  EXPECT_NE(out.find("fail  partitions"), std::string::npos) << out;
  EXPECT_NE(out.find("recsys-service partitions ensure"), std::string::npos) << out;

  // A suspended tenant.
  Exec("UPDATE tenants SET status = 'suspended' WHERE external_id = 'demo'");
  EXPECT_EQ(Doctor(&out), 1);
  EXPECT_NE(out.find("tenants activate demo"), std::string::npos) << out;

  // A schema behind the binary.
  Exec("DELETE FROM schema_migrations WHERE name = (SELECT max(name) FROM schema_migrations)");
  EXPECT_EQ(Doctor(&out), 1);
  EXPECT_NE(out.find("recsys-service migrate up"), std::string::npos) << out;
}

TEST_F(DoctorTest, AnUnreachableDatabaseFailsFirst) {
  std::string out;
  EXPECT_EQ(testing::RunShell("DATABASE_URL='postgresql://x@127.0.0.1:1/none' " +
                                  std::string(RECSYS_BINARY) + " doctor --tenant demo",
                              &out),
            1);
  EXPECT_NE(out.find("fail  database"), std::string::npos) << out;
}

}  // namespace
}  // namespace recsys
