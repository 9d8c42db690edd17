#include "store/signal_batch_reader.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/time.h"
#include "testing/test_db.h"

namespace recsys::store {
namespace {

using service::TenantState;

// Three shops with the same item ids and different signals, and one (`other`) that no batch
// reads. `shop-c` decays with another half-life, so it cannot share a batch with a and b.
class SignalBatchReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("signal_batch_reader");
    conn_ = std::make_unique<PgConnection>(db_->Connect());
    ASSERT_TRUE(conn_
                    ->Exec(R"sql(
      INSERT INTO tenants (external_id, name)
        VALUES ('shop-a', 'A'), ('shop-b', 'B'), ('shop-c', 'C'), ('other', 'O');
      SELECT recsys_signal_day_partition(current_date - d) FROM generate_series(0, 3) d;
      INSERT INTO item_tags (tenant_id, item_id, tags)
        SELECT id, 'item-1', ARRAY['brand:' || external_id, 'colour:dark blue', 'note:a,"b"\c']
        FROM tenants;
      INSERT INTO item_tags (tenant_id, item_id) SELECT id, 'item-untagged' FROM tenants;
      INSERT INTO item_popularity_daily (tenant_id, item_id, day, score)
        SELECT id, 'item-' || i, current_date - d,
               CASE external_id WHEN 'shop-a' THEN 1 WHEN 'shop-b' THEN 100 ELSE 7 END * i
        FROM tenants, generate_series(1, 3) i, generate_series(0, 2) d;
      INSERT INTO item_popularity_daily (tenant_id, item_id, day, score)
        SELECT id, 'item-precise', current_date, 123456789012.123456 FROM tenants
        WHERE external_id = 'shop-a';
      INSERT INTO item_popularity_daily (tenant_id, item_id, day, score)
        SELECT id, 'item-only-other', current_date, 5 FROM tenants WHERE external_id = 'other';
      INSERT INTO item_covisit_daily (tenant_id, item_id, neighbor_id, day, score)
        SELECT id, 'item-1', CASE external_id WHEN 'shop-a' THEN 'item-2' ELSE 'item-3' END,
               current_date - 1, 3 FROM tenants;
      INSERT INTO item_sequence_daily (tenant_id, item_id, neighbor_id, day, score)
        SELECT id, 'item-2', CASE external_id WHEN 'shop-b' THEN 'item-1' ELSE 'item-3' END,
               current_date - 1, 0.5 FROM tenants;
    )sql")
                    .ok());
    for (const char* name : {"shop-a", "shop-b", "shop-c", "other"}) {
      auto tenant = std::make_unique<TenantState>();
      tenant->external_id = name;
      tenant->id = testing::QueryOne(
          *conn_, std::string("SELECT id FROM tenants WHERE external_id = '") + name + "'");
      tenants_.push_back(std::move(tenant));
    }
    tenants_[2]->config.ranking.half_life_days = 7;
    today_ = DayOf(NowUs());
  }

  // Reads `batch` in one call and returns its status.
  Status Read(std::vector<TenantState*> batch) {
    PgConnection side = db_->Connect();
    return ReadSignalBatch(*conn_, side, batch, {today_, today_, 0});
  }

  const SignalSnapshot& Snapshot(size_t tenant) {
    return *tenants_[tenant]->snapshots.at("default");
  }
  float Popularity(size_t tenant, std::string_view item) {
    const SignalSnapshot& s = Snapshot(tenant);
    return s.popularity(*s.Find(item));
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<PgConnection> conn_;
  std::vector<std::unique_ptr<TenantState>> tenants_;
  int32_t today_ = 0;
};

TEST_F(SignalBatchReaderTest, BatchesHoldTenantsOfOneDayRangeAndAtMostTheirSize) {
  std::vector<TenantState*> all;
  for (auto& t : tenants_) all.push_back(t.get());
  const auto batches = SplitIntoSignalBatches(all, today_, 2);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0], (std::vector<TenantState*>{all[0], all[1]}));  // a full batch
  EXPECT_EQ(batches[1], (std::vector<TenantState*>{all[3]}));  // other's range is a's and b's
  EXPECT_EQ(batches[2], (std::vector<TenantState*>{all[2]}));  // shop-c decays otherwise
  EXPECT_EQ(SplitIntoSignalBatches(all, today_, 100).size(), 2u);
}

TEST_F(SignalBatchReaderTest, EachTenantGetsItsOwnRowsAndNoOneElses) {
  ASSERT_TRUE(Read({tenants_[0].get(), tenants_[1].get()}).ok());
  EXPECT_LT(Popularity(0, "item-1"), Popularity(0, "item-2"));
  EXPECT_NEAR(Popularity(1, "item-1") / Popularity(0, "item-1"), 100, 1e-3);
  EXPECT_FALSE(Snapshot(1).Find("item-precise").has_value());
  EXPECT_FALSE(Snapshot(0).Find("item-only-other").has_value());
  EXPECT_TRUE(tenants_[3]->snapshots.empty());  // not in the batch: nothing read for it
  EXPECT_TRUE(tenants_[2]->snapshots.empty());

  const SignalSnapshot& a = Snapshot(0);
  const SignalSnapshot& b = Snapshot(1);
  ASSERT_EQ(a.neighbours(*a.Find("item-1")).size(), 1u);
  EXPECT_EQ(a.item_id(a.neighbours(*a.Find("item-1"))[0].item), "item-2");
  EXPECT_EQ(b.item_id(b.neighbours(*b.Find("item-1"))[0].item), "item-3");
  ASSERT_EQ(b.successors(*b.Find("item-2")).size(), 1u);
  EXPECT_EQ(b.item_id(b.successors(*b.Find("item-2"))[0].item), "item-1");
  EXPECT_EQ(a.item_id(a.successors(*a.Find("item-2"))[0].item), "item-3");

  // Tags arrive whole (array elements with spaces, commas, quotes and backslashes), and an item
  // of the catalog without tags is there too.
  EXPECT_TRUE(a.FindTag("brand:shop-a").has_value());
  EXPECT_FALSE(a.FindTag("brand:shop-b").has_value());
  EXPECT_TRUE(b.FindTag("brand:shop-b").has_value());
  EXPECT_TRUE(a.FindTag("colour:dark blue").has_value());
  EXPECT_TRUE(a.FindTag("note:a,\"b\"\\c").has_value());
  ASSERT_TRUE(a.Find("item-untagged").has_value());
  EXPECT_TRUE(a.tags(*a.Find("item-untagged")).empty());
}

TEST_F(SignalBatchReaderTest, ABatchOfOneReadsTheSameAsAnyBatch) {
  ASSERT_TRUE(Read({tenants_[0].get()}).ok());  // scoped by row-level security
  const float alone = Popularity(0, "item-2");
  const float precise = Popularity(0, "item-precise");
  tenants_[0]->snapshots.clear();
  ASSERT_TRUE(Read({tenants_[0].get(), tenants_[1].get(), tenants_[3].get()}).ok());
  EXPECT_EQ(Popularity(0, "item-2"), alone);
  EXPECT_EQ(Popularity(0, "item-precise"), precise);
  EXPECT_EQ(precise, static_cast<float>(123456789012.123456));  // numeric's binary form, exact
}

TEST_F(SignalBatchReaderTest, AnErrorIsReturnedNotThrown) {
  PgConnection side = db_->Connect();
  ASSERT_TRUE(conn_->Exec("DROP TABLE item_sequence_daily CASCADE").ok());
  std::vector<TenantState*> batch{tenants_[0].get(), tenants_[1].get()};
  EXPECT_FALSE(ReadSignalBatch(*conn_, side, batch, {today_, today_, 0}).ok());
}

}  // namespace
}  // namespace recsys::store
