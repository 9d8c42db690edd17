// Gives memory that malloc holds but nothing uses back to the kernel.
//
// glibc's malloc keeps freed chunks in its arenas for reuse and returns them to the kernel only
// from the top of the main heap; after a burst (a large batch of events, a signal build, a
// snapshot reload) a process can hold hundreds of MiB that no object uses, and one arena per
// busy thread multiplies it. Measured on `serve` after 500,000 events and a signal build: 53 MB
// free inside the arenas, resident memory 200 -> 150 MB after one malloc_trim (docs/decisions.md,
// "Memory under a hostile event stream").
//
// Check() compares the process's anonymous resident memory with what malloc has handed out: the
// difference is freed heap still resident (plus thread stacks and the like, a few MiB). When it
// exceeds what it was after the last trim by `min_idle_bytes`, Check() calls malloc_trim(0), which
// gives the free pages of every arena back to the kernel (tens of ms on a heap of GiBs).
// Call Check() from one thread (a periodic one); the counters and ReadMemory() are thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace recsys::obs {

struct MemoryReading {
  size_t resident_bytes = 0;     // the process's resident set (/proc/self/statm)
  size_t anonymous_bytes = 0;    // the part of it not backed by files: heap, stacks
  size_t heap_in_use_bytes = 0;  // handed out by malloc and not freed (mmapped chunks included)
  size_t heap_free_bytes = 0;    // free inside malloc's arenas, resident or not

  // Anonymous memory that malloc has not handed out: freed heap still resident, stacks.
  size_t idle_bytes() const {
    return anonymous_bytes > heap_in_use_bytes ? anonymous_bytes - heap_in_use_bytes : 0;
  }
};

// Reads the process's memory now. Walks malloc's arenas (about a millisecond on a large heap).
MemoryReading ReadMemory();

// Limits malloc to `arenas` arenas (M_ARENA_MAX); 0 leaves glibc's default (8 per core). Call
// before starting threads. Returns false when malloc refuses.
bool LimitMallocArenas(int arenas);

// Whether a process with this reading is worth trimming, `baseline` being its idle bytes after
// the last trim (0 before any). Pure.
bool ShouldTrim(const MemoryReading& reading, size_t baseline, size_t min_idle_bytes);

class HeapTrimmer {
 public:
  explicit HeapTrimmer(size_t min_idle_bytes) : min_idle_bytes_(min_idle_bytes) {}

  // Trims when ShouldTrim(); returns the resident bytes that gave back (0 when it did not trim).
  // Logs a trim at most once a minute.
  size_t Check();

  uint64_t trims() const { return trims_.load(std::memory_order_relaxed); }
  uint64_t released_bytes() const { return released_.load(std::memory_order_relaxed); }

 private:
  const size_t min_idle_bytes_;
  size_t baseline_ = 0;
  std::atomic<uint64_t> trims_{0}, released_{0};
  static constexpr int64_t kNeverLogged = INT64_MIN;
  int64_t last_log_s_ = kNeverLogged;  // steady-clock seconds
};

}  // namespace recsys::obs
