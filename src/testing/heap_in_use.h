// Test helper: the bytes malloc has handed out and not had back, from its small-chunk heaps and
// its own mmaps alike (glibc's mallinfo2, every arena). Compare two readings around the code
// under test; a chunk parked in a thread's cache still counts as in use.
#pragma once

#include <malloc.h>

#include <cstddef>

namespace recsys::testing {

inline size_t HeapInUse() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

}  // namespace recsys::testing
