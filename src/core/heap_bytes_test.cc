#include "core/heap_bytes.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "testing/heap_in_use.h"

namespace recsys {
namespace {

TEST(HeapBytesTest, RoundsUpToSixteenWithAHeaderAndAMinimum) {
  EXPECT_EQ(HeapBytes(0), 0u);
  EXPECT_EQ(HeapBytes(1), 32u);
  EXPECT_EQ(HeapBytes(24), 32u);
  EXPECT_EQ(HeapBytes(25), 48u);
  EXPECT_EQ(HeapBytes(61), 80u);
  EXPECT_EQ(HeapBytes(1000), 1008u);
}

TEST(HeapBytesTest, ShortStringsLiveInTheObject) {
  EXPECT_EQ(StringHeapBytes(std::string(15, 'x')), 0u);
  EXPECT_EQ(StringHeapBytes(std::string(60, 'x')), 80u);
}

TEST(HeapBytesTest, NodesCountLinksAndACachedHash) {
  EXPECT_EQ(NodeBytes(40, 1, true), 64u);  // unordered_map<string, uint32_t> node: 56 -> 64
  EXPECT_EQ(NodeBytes(8, 2, false), 32u);  // list<uint64_t> node: 24 -> 32
}

// What malloc itself reports agrees with HeapBytes over many allocations of one size.
TEST(HeapBytesTest, MatchesWhatMallocReports) {
  for (size_t size : {1u, 24u, 56u, 61u, 200u}) {
    std::vector<std::unique_ptr<char[]>> blocks;
    blocks.reserve(10000);
    const size_t before = testing::HeapInUse();
    for (int i = 0; i < 10000; ++i) blocks.emplace_back(new char[size]);
    const double used = static_cast<double>(testing::HeapInUse() - before);
    // Within 1%: a few blocks may come from, or leave chunks in, malloc's per-thread cache.
    EXPECT_NEAR(used, 10000.0 * static_cast<double>(HeapBytes(size)), 0.01 * used) << size;
  }
}

}  // namespace
}  // namespace recsys
