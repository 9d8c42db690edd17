#include "core/uuid.h"

#include <chrono>
#include <cstdint>
#include <random>

namespace recsys {

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

namespace {

// Seeded from 256 bits of the system's randomness: a single 32-bit seed would give two threads
// (or two instances) the same id sequence with a birthday chance over 2^32.
uint64_t RandomWord() {
  thread_local std::mt19937_64 rng = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(),
                       device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  return rng();
}

std::string Canonical(uint64_t hi, uint64_t lo) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  int pos = 0;
  auto put = [&](uint64_t word) {
    for (int i = 15; i >= 0; --i) {
      if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
      out[pos++] = kHex[(word >> (i * 4)) & 0xf];
    }
  };
  put(hi);
  put(lo);
  return out;
}

constexpr uint64_t kVariant = 0x8000000000000000ULL;  // RFC 9562 variant bits 10

}  // namespace

std::string NewUuidV4() {
  const uint64_t hi = (RandomWord() & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  const uint64_t lo = (RandomWord() & 0x3fffffffffffffffULL) | kVariant;
  return Canonical(hi, lo);
}

std::string NewUuidV7() {
  const uint64_t millis =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  const uint64_t hi = (millis << 16) | 0x7000 | (RandomWord() & 0x0fff);
  const uint64_t lo = (RandomWord() & 0x3fffffffffffffffULL) | kVariant;
  return Canonical(hi, lo);
}

}  // namespace recsys
