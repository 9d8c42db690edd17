#include "obs/heap_trimmer.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace recsys::obs {
namespace {

constexpr size_t kMiB = 1 << 20;

MemoryReading Reading(size_t anonymous, size_t in_use) {
  MemoryReading reading;
  reading.anonymous_bytes = anonymous;
  reading.heap_in_use_bytes = in_use;
  return reading;
}

TEST(HeapTrimmerTest, TrimsWhenIdleMemoryGrewByTheFloor) {
  EXPECT_FALSE(ShouldTrim(Reading(110 * kMiB, 100 * kMiB), 0, 16 * kMiB));
  EXPECT_TRUE(ShouldTrim(Reading(120 * kMiB, 100 * kMiB), 0, 16 * kMiB));
  EXPECT_FALSE(ShouldTrim(Reading(90 * kMiB, 100 * kMiB), 0, 16 * kMiB));  // mmaps not all touched
  EXPECT_TRUE(ShouldTrim(Reading(17 * kMiB, 0), 0, 16 * kMiB));
  // Idle memory a trim could not give back (stacks) raises the bar.
  EXPECT_FALSE(ShouldTrim(Reading(17 * kMiB, 0), 8 * kMiB, 16 * kMiB));
}

TEST(HeapTrimmerTest, ReadsTheProcessAndTheHeap) {
  const MemoryReading before = ReadMemory();
  EXPECT_GT(before.resident_bytes, before.anonymous_bytes);
  auto block = std::make_unique<char[]>(64 * kMiB);
  EXPECT_GE(ReadMemory().heap_in_use_bytes, before.heap_in_use_bytes + 64 * kMiB);
}

// A burst of small allocations freed again leaves their pages resident in malloc's arena (the
// last one alive pins the top of the heap); Check() gives them back, once.
TEST(HeapTrimmerTest, GivesABurstsFreedChunksBackToTheKernel) {
  std::vector<std::unique_ptr<char[]>> burst;
  for (int i = 0; i < 400000; ++i) {
    burst.emplace_back(new char[200]);
    burst.back()[0] = 1;
  }
  auto pin = std::move(burst.back());  // keeps the heap's top in use
  burst.clear();
  burst.shrink_to_fit();
  const MemoryReading before = ReadMemory();
  ASSERT_GT(before.idle_bytes(), 60 * kMiB);
  HeapTrimmer trimmer(16 * kMiB);
  ::testing::internal::CaptureStderr();
  EXPECT_GT(trimmer.Check(), 40 * kMiB);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("returned freed heap"),
            std::string::npos);
  EXPECT_EQ(trimmer.trims(), 1u);
  EXPECT_LT(ReadMemory().idle_bytes(), before.idle_bytes() - 40 * kMiB);
  EXPECT_EQ(trimmer.Check(), 0u);  // nothing new worth a trim
  EXPECT_EQ(trimmer.trims(), 1u);
}

}  // namespace
}  // namespace recsys::obs
