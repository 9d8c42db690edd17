// Small helpers for writing JSON with RapidJSON writers (which take strings as pointer + length).
#pragma once

#include <rapidjson/rapidjson.h>

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <utility>

namespace recsys::json {

// Writes `text` as a JSON string value (or key, after Key()) with writer `w`.
template <typename Writer>
void WriteString(Writer& w, std::string_view text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// Writes `items` (strings) as a JSON array.
template <typename Writer, typename Strings>
void WriteStringArray(Writer& w, const Strings& items) {
  w.StartArray();
  for (const auto& item : items) WriteString(w, item);
  w.EndArray();
}

// Writes member `key` as the array [low, high] (an interval).
template <typename Writer>
void WriteRange(Writer& w, const char* key, double low, double high) {
  w.Key(key);
  w.StartArray();
  w.Double(low);
  w.Double(high);
  w.EndArray();
}

// Writes each (key, text) pair as a string member of the object being written; with
// `omit_empty`, an empty text leaves its member out (optional fields are omitted, never null).
template <typename Writer>
void WriteStringMembers(Writer& w,
                        std::initializer_list<std::pair<const char*, std::string_view>> members,
                        bool omit_empty = false) {
  for (const auto& [key, value] : members) {
    if (omit_empty && value.empty()) continue;
    w.Key(key);
    WriteString(w, value);
  }
}

// Writes each (key, value) pair as a member of the object being written.
template <typename Writer>
void WriteInt64Members(Writer& w, std::initializer_list<std::pair<const char*, int64_t>> members) {
  for (const auto& [key, value] : members) {
    w.Key(key);
    w.Int64(value);
  }
}
template <typename Writer>
void WriteDoubleMembers(Writer& w, std::initializer_list<std::pair<const char*, double>> members) {
  for (const auto& [key, value] : members) {
    w.Key(key);
    w.Double(value);
  }
}

// Writes `value` rounded to `decimals` places with trailing zeros dropped (0.25, 1.0), as
// rapidjson's Double() does with SetMaxDecimalPlaces, but without its shortest-round-trip digit
// search: several times faster, for the exposure rows' scores. A value whose scaled magnitude is
// not below 2^53 (or not finite) is written by Double().
// REQUIRES: 1 <= decimals <= 9.
template <typename Writer>
void WriteFixed(Writer& w, double value, int decimals) {
  static constexpr uint64_t kPow10[] = {1,      10,      100,      1000,      10000,
                                        100000, 1000000, 10000000, 100000000, 1000000000};
  const double scaled = (value < 0 ? -value : value) * static_cast<double>(kPow10[decimals]);
  if (!(scaled < 9007199254740992.0)) {
    w.Double(value);
    return;
  }
  const uint64_t units = static_cast<uint64_t>(scaled + 0.5);
  uint64_t fraction = units % kPow10[decimals];
  uint64_t whole = units / kPow10[decimals];
  int digits = decimals;
  while (digits > 1 && fraction % 10 == 0) {
    fraction /= 10;
    --digits;
  }
  char buffer[32];
  char* const end = buffer + sizeof buffer;
  char* p = end;
  for (int i = 0; i < digits; ++i, fraction /= 10) *--p = static_cast<char>('0' + fraction % 10);
  *--p = '.';
  do {
    *--p = static_cast<char>('0' + whole % 10);
    whole /= 10;
  } while (whole != 0);
  if (value < 0 && units != 0) *--p = '-';
  w.RawValue(p, static_cast<size_t>(end - p), rapidjson::kNumberType);
}

}  // namespace recsys::json
