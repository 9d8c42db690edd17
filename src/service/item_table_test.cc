#include "service/item_table.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

#include "testing/heap_in_use.h"
#include "testing/numbered.h"

namespace recsys::service {
namespace {

using testing::Numbered;

TEST(ItemTableTest, OneItemPerTenantAndIdWhileReferenced) {
  ItemTable table;
  const ItemTable::Item* a = table.Acquire("t1", "sku-1");
  EXPECT_EQ(table.Acquire("t1", "sku-1"), a);
  EXPECT_NE(table.Acquire("t1", "sku-2"), a);
  const ItemTable::Item* other_tenant = table.Acquire("t2", "sku-1");
  EXPECT_NE(other_tenant, a);
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(a->id(), "sku-1");
  EXPECT_EQ(other_tenant->id(), "sku-1");
}

TEST(ItemTableTest, TheLastReleaseFreesTheItemAndItsBytes) {
  ItemTable table;
  const size_t empty = table.bytes();
  const ItemTable::Item* a = table.Acquire("t", std::string(60, 'a'));
  table.Acquire("t", std::string(60, 'a'));
  const size_t one = table.bytes();
  EXPECT_GT(one, empty);
  table.Release(a);
  EXPECT_EQ(table.size(), 1u);  // one reference left
  table.Release(a);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_LT(table.bytes(), one);
}

// Counts are per tenant: the same id in another tenant, and another tenant's totals, move apart.
TEST(ItemTableTest, CountsOccasionsAndReturnsPerItemAndTenant) {
  ItemTable table;
  const ItemTable::Item* milk = table.Acquire("t1", "milk");
  const ItemTable::Item* bread = table.Acquire("t1", "bread");
  const ItemTable::Item* other = table.Acquire("t2", "milk");
  ItemTable::CountOccasion(milk, false);
  ItemTable::CountOccasion(milk, true);
  ItemTable::CountOccasion(milk, true);
  ItemTable::CountOccasion(bread, false);
  ItemTable::CountOccasion(other, false);
  EXPECT_EQ(ItemTable::Counts(milk).occasions, 3u);
  EXPECT_EQ(ItemTable::Counts(milk).returns, 2u);
  EXPECT_EQ(ItemTable::TenantCounts(bread).occasions, 4u);
  EXPECT_EQ(ItemTable::TenantCounts(bread).returns, 2u);
  EXPECT_EQ(ItemTable::TenantCounts(other).occasions, 1u);
  EXPECT_EQ(ItemTable::TenantCounts(other).returns, 0u);
  ItemTable::Uncount(milk, 3);  // the user with three occasions left
  EXPECT_EQ(ItemTable::Counts(milk).occasions, 0u);
  EXPECT_EQ(ItemTable::Counts(milk).returns, 0u);
  EXPECT_EQ(ItemTable::TenantCounts(milk).occasions, 1u);
  EXPECT_EQ(ItemTable::TenantCounts(milk).returns, 0u);
}

TEST(ItemTableTest, ChurnDoesNotGrowTheTable) {
  ItemTable table;
  for (int i = 0; i < 1000; ++i) table.Release(table.Acquire("t", Numbered("x", i)));
  EXPECT_EQ(table.size(), 0u);
  const size_t after_churn = table.bytes();
  for (int i = 0; i < 1000; ++i) table.Release(table.Acquire("t", Numbered("y", i)));
  EXPECT_EQ(table.bytes(), after_churn);
}

// bytes() agrees with what malloc reports the table holds, within 10%.
TEST(ItemTableTest, BytesMatchTheHeapTheTableHolds) {
  const size_t before = testing::HeapInUse();
  const std::string prefix(52, 'i');
  auto table = std::make_unique<ItemTable>();
  for (int i = 0; i < 100000; ++i) table->Acquire("t", Numbered(prefix.c_str(), i));
  const double used = static_cast<double>(testing::HeapInUse() - before);
  EXPECT_NEAR(static_cast<double>(table->bytes()), used, 0.1 * used);
}

TEST(ItemTableTest, ConcurrentAcquireCountAndRelease) {
  ItemTable table;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&table, t] {
      for (int i = 0; i < 20000; ++i) {
        const ItemTable::Item* item = table.Acquire(t % 2 ? "t1" : "t2", Numbered("s", i % 100));
        EXPECT_EQ(item->id(), Numbered("s", i % 100));
        ItemTable::CountOccasion(item, true);
        ItemTable::Uncount(item, 1);
        table.Release(item);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(table.size(), 0u);
}

}  // namespace
}  // namespace recsys::service
