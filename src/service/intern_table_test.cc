#include "service/intern_table.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "testing/heap_in_use.h"
#include "testing/numbered.h"

namespace recsys::service {
namespace {

using testing::Numbered;

std::string Text(const InternTable& table, uint32_t index) {
  std::string out;
  table.AppendTo(index, &out);
  return out;
}

TEST(InternTableTest, TheSameStringHasOneIndexWhileReferenced) {
  InternTable table;
  const uint32_t a = table.Acquire("sku-1");
  EXPECT_EQ(table.Acquire("sku-1"), a);
  EXPECT_NE(table.Acquire("sku-2"), a);
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(Text(table, a), "sku-1");
}

TEST(InternTableTest, TheLastReleaseFreesTheStringAndItsBytes) {
  InternTable table;
  const size_t empty = table.bytes();
  const uint32_t a = table.Acquire(std::string(60, 'a'));
  table.Acquire(std::string(60, 'a'));
  const size_t one = table.bytes();
  EXPECT_GT(one, empty);
  table.Release(a);
  EXPECT_EQ(table.size(), 1u);  // one reference left
  table.Release(a);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_LT(table.bytes(), one);
}

TEST(InternTableTest, AFreedIndexIsReusedSoTheTableDoesNotGrow) {
  InternTable table;
  uint32_t first = table.Acquire("x0");
  table.Release(first);
  for (int i = 1; i < 1000; ++i) {
    const uint32_t index = table.Acquire(Numbered("x", i));
    table.Release(index);
  }
  EXPECT_EQ(table.size(), 0u);
  // Each string came and went; the slot vectors hold at most one slot per shard.
  const size_t after_churn = table.bytes();
  for (int i = 0; i < 1000; ++i) table.Release(table.Acquire(Numbered("y", i)));
  EXPECT_EQ(table.bytes(), after_churn);
}

// bytes() agrees with what malloc reports the table holds, within 10%.
TEST(InternTableTest, BytesMatchTheHeapTheTableHolds) {
  const size_t before = testing::HeapInUse();
  const std::string prefix(52, 'i');
  auto table = std::make_unique<InternTable>();
  for (int i = 0; i < 100000; ++i) table->Acquire(Numbered(prefix.c_str(), i));
  const double used = static_cast<double>(testing::HeapInUse() - before);
  EXPECT_NEAR(static_cast<double>(table->bytes()), used, 0.1 * used);
}

TEST(InternTableTest, ConcurrentAcquireAndRelease) {
  InternTable table;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&table] {
      for (int i = 0; i < 20000; ++i) {
        const uint32_t index = table.Acquire(Numbered("s", i % 100));
        EXPECT_EQ(Text(table, index), Numbered("s", i % 100));
        table.Release(index);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(table.size(), 0u);
}

}  // namespace
}  // namespace recsys::service
