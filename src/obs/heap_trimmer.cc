#include "obs/heap_trimmer.h"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "obs/log.h"

namespace recsys::obs {
namespace {

constexpr int64_t kLogEverySeconds = 60;

// /proc/self/statm: sizes in pages; the third is the file-backed (shared) part of the second.
void ReadResident(MemoryReading* reading) {
  FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return;
  unsigned long size = 0, resident = 0, shared = 0;
  const int read = std::fscanf(statm, "%lu %lu %lu", &size, &resident, &shared);
  std::fclose(statm);
  if (read != 3) return;
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  reading->resident_bytes = resident * page;
  reading->anonymous_bytes = (resident > shared ? resident - shared : 0) * page;
}

}  // namespace

MemoryReading ReadMemory() {
  MemoryReading reading;
  const struct mallinfo2 info = mallinfo2();
  reading.heap_in_use_bytes = info.uordblks + info.hblkhd;
  reading.heap_free_bytes = info.fordblks;
  ReadResident(&reading);
  return reading;
}

bool LimitMallocArenas(int arenas) { return arenas <= 0 || mallopt(M_ARENA_MAX, arenas) == 1; }

bool ShouldTrim(const MemoryReading& reading, size_t baseline, size_t min_idle_bytes) {
  return reading.idle_bytes() > baseline + min_idle_bytes;
}

size_t HeapTrimmer::Check() {
  const MemoryReading before = ReadMemory();
  if (!ShouldTrim(before, baseline_, min_idle_bytes_)) {
    baseline_ = std::min(baseline_, before.idle_bytes());  // where a trim would start from now
    return 0;
  }
  malloc_trim(0);
  const MemoryReading after = ReadMemory();
  baseline_ = after.idle_bytes();
  const size_t released = before.resident_bytes > after.resident_bytes
                              ? before.resident_bytes - after.resident_bytes
                              : 0;
  trims_.fetch_add(1, std::memory_order_relaxed);
  released_.fetch_add(released, std::memory_order_relaxed);
  const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
  if (last_log_s_ == kNeverLogged || now_s - last_log_s_ >= kLogEverySeconds) {
    last_log_s_ = now_s;
    Log(Level::kInfo, "returned freed heap to the system (logged at most once a minute)")
        .Int("released_bytes", static_cast<int64_t>(released))
        .Int("resident_bytes", static_cast<int64_t>(after.resident_bytes))
        .Int("heap_in_use_bytes", static_cast<int64_t>(after.heap_in_use_bytes))
        .Int("trims_total", static_cast<int64_t>(trims()));
  }
  return released;
}

}  // namespace recsys::obs
