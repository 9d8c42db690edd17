#include "store/exposure_binary.h"

#include <cstdint>
#include <optional>

#include "core/time.h"
#include "core/uuid.h"

namespace recsys::store {
namespace {

enum class Kind { kUuid, kTimestamp, kText, kBytea, kJsonb };

// The row's columns, in the order of the header's list.
constexpr Kind kKinds[] = {Kind::kUuid,  Kind::kTimestamp, Kind::kUuid, Kind::kText,
                           Kind::kText,  Kind::kBytea,     Kind::kText, Kind::kText,
                           Kind::kText,  Kind::kText,      Kind::kText, Kind::kText,
                           Kind::kJsonb, Kind::kJsonb,     Kind::kJsonb};
constexpr int kFieldCount = sizeof kKinds / sizeof kKinds[0];

// PostgreSQL's timestamps count microseconds from 2000-01-01 UTC.
constexpr int64_t kPostgresEpochUs = 946684800LL * 1000000;
constexpr uint8_t kJsonbVersion = 1;

void PutInt16(std::string* out, int16_t value) {
  const auto v = static_cast<uint16_t>(value);
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

void PutInt32(std::string* out, int32_t value) {
  const auto v = static_cast<uint32_t>(value);
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

void PutInt64(std::string* out, int64_t value) {
  const auto v = static_cast<uint64_t>(value);
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends the bytes of hex digits `hex` (an even count; dashes skipped); false when malformed.
bool PutHex(std::string_view hex, std::string* out) {
  int high = -1;
  for (char c : hex) {
    if (c == '-') continue;
    const int value = HexValue(c);
    if (value < 0) return false;
    if (high < 0) {
      high = value;
    } else {
      out->push_back(static_cast<char>(high << 4 | value));
      high = -1;
    }
  }
  return high < 0;
}

// Appends the COPY-text-escaped `field` unescaped (our lines only escape \\, \t, \n and \r).
void PutUnescaped(std::string_view field, std::string* out) {
  for (size_t i = 0; i < field.size(); ++i) {
    char c = field[i];
    if (c == '\\' && i + 1 < field.size()) {
      switch (field[++i]) {
        case 't':
          c = '\t';
          break;
        case 'n':
          c = '\n';
          break;
        case 'r':
          c = '\r';
          break;
        default:
          c = field[i];
      }
    }
    out->push_back(c);
  }
}

// Appends one field (length, then bytes); false when its text is not a valid value of `kind`.
bool PutField(Kind kind, std::string_view text, std::string* out) {
  if (text == "\\N") {
    PutInt32(out, -1);
    return true;
  }
  const size_t length_at = out->size();
  PutInt32(out, 0);  // patched below
  switch (kind) {
    case Kind::kUuid:
      if (!IsUuid(text) || !PutHex(text, out)) return false;
      break;
    case Kind::kTimestamp: {
      const std::optional<TimestampUs> at = ParseRfc3339(text);
      if (!at) return false;
      PutInt64(out, *at - kPostgresEpochUs);
      break;
    }
    case Kind::kBytea:  // "\\x" and hex digits: the line escapes bytea's own backslash
      if (text.substr(0, 3) != "\\\\x" || !PutHex(text.substr(3), out)) return false;
      break;
    case Kind::kJsonb:
      out->push_back(static_cast<char>(kJsonbVersion));
      PutUnescaped(text, out);
      break;
    case Kind::kText:
      PutUnescaped(text, out);
      break;
  }
  const auto length = static_cast<uint32_t>(out->size() - length_at - 4);
  for (int i = 0; i < 4; ++i) (*out)[length_at + i] = static_cast<char>(length >> (24 - 8 * i));
  return true;
}

}  // namespace

Status AppendExposureBinaryCopy(std::string_view lines, std::string* out) {
  static constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // 11 bytes with its NUL
  out->append(kSignature, sizeof kSignature);
  PutInt32(out, 0);  // flags: no OIDs
  PutInt32(out, 0);  // header extension length
  size_t line_number = 0;
  while (!lines.empty()) {
    ++line_number;
    const size_t end = lines.find('\n');
    const std::string_view line = lines.substr(0, end);
    lines.remove_prefix(end == std::string_view::npos ? lines.size() : end + 1);
    PutInt16(out, kFieldCount);
    size_t start = 0;
    for (int field = 0; field < kFieldCount; ++field) {
      const size_t tab = line.find('\t', start);
      const bool last = field == kFieldCount - 1;
      if ((tab == std::string_view::npos) != last) {
        return Status::InvalidArgument("exposure line " + std::to_string(line_number) + ": not " +
                                       std::to_string(kFieldCount) + " fields");
      }
      const std::string_view text = line.substr(start, last ? std::string_view::npos : tab - start);
      if (!PutField(kKinds[field], text, out)) {
        return Status::InvalidArgument("exposure line " + std::to_string(line_number) + ": field " +
                                       std::to_string(field + 1) + " is malformed");
      }
      start = tab + 1;
    }
  }
  PutInt16(out, -1);  // trailer
  return Status::Ok();
}

}  // namespace recsys::store
