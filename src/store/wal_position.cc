#include "store/wal_position.h"

#include <cstdio>

namespace recsys::store {
namespace {

std::optional<uint32_t> ParseHex32(std::string_view s) {
  if (s.empty() || s.size() > 8) return std::nullopt;
  uint32_t value = 0;
  for (char c : s) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    value = value * 16 + static_cast<uint32_t>(digit);
  }
  return value;
}

}  // namespace

std::optional<WalPosition> ParseWalPosition(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto high = ParseHex32(text.substr(0, slash));
  auto low = ParseHex32(text.substr(slash + 1));
  if (!high || !low) return std::nullopt;
  return (static_cast<WalPosition>(*high) << 32) | *low;
}

WalPosition InsertPositionAsRecordEnd(WalPosition insert) {
  constexpr WalPosition kPage = 8192, kSegment = WalPosition{16} << 20;
  constexpr WalPosition kShortHeader = 24, kLongHeader = 40;  // SizeOfXLog{Short,Long}PHD
  if (insert % kSegment == kLongHeader) return insert - kLongHeader;
  if (insert % kPage == kShortHeader) return insert - kShortHeader;
  return insert;
}

Result<WalPosition> ReadWalInsertPosition(PgConnection& conn) {
  auto rows = conn.Query("SELECT pg_current_wal_insert_lsn()::text");
  if (!rows.ok()) return rows.status();
  auto position = ParseWalPosition(rows.value().Get(0, 0));
  if (!position) return Status::Internal("unreadable WAL position");
  return InsertPositionAsRecordEnd(*position);
}

std::string FormatWalPosition(WalPosition position) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%X/%X", static_cast<unsigned>(position >> 32),
                static_cast<unsigned>(position & 0xFFFFFFFFu));
  return buf;
}

}  // namespace recsys::store
