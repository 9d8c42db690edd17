// What a heap allocation really costs, for memory caps that must hold in resident memory, not
// just in payload: glibc's malloc rounds a request up to 16 bytes with an 8-byte header and never
// hands out less than 32, so a 24-byte vector element alone costs 32. Pure; constexpr.
#pragma once

#include <cstddef>
#include <string>

namespace recsys {

// The bytes malloc takes for a request of `requested` bytes (glibc, 64-bit); 0 for 0.
constexpr size_t HeapBytes(size_t requested) {
  if (requested == 0) return 0;
  const size_t chunk = (requested + sizeof(size_t) + 15) & ~size_t{15};
  return chunk < 32 ? 32 : chunk;
}

// The heap a std::string holds beyond its own object: none while its text fits in the object
// (libstdc++'s small-string buffer, 15 characters), else its capacity plus the terminator.
inline size_t StringHeapBytes(const std::string& text) {
  return text.capacity() > 15 ? HeapBytes(text.capacity() + 1) : 0;
}

// One node of a node-based container (a hash-table or list node) holding `value_bytes` of value
// beside `links` pointers, plus a cached 8-byte hash when `cached_hash` (libstdc++ caches it for
// hashes that are not noexcept or are known slow, like std::hash<std::string>).
constexpr size_t NodeBytes(size_t value_bytes, size_t links, bool cached_hash) {
  return HeapBytes(value_bytes + links * sizeof(void*) + (cached_hash ? sizeof(size_t) : 0));
}

}  // namespace recsys
