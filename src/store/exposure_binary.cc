#include "store/exposure_binary.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/hex.h"
#include "core/time.h"
#include "core/uuid.h"
#include "store/copy_stream.h"

namespace recsys::store {
namespace {

enum class Kind { kUuid, kTimestamp, kText, kBytea, kJsonb };

// The row's columns, in the order of the header's list.
constexpr Kind kKinds[] = {Kind::kUuid,  Kind::kTimestamp, Kind::kUuid, Kind::kText,
                           Kind::kText,  Kind::kBytea,     Kind::kText, Kind::kText,
                           Kind::kText,  Kind::kText,      Kind::kText, Kind::kText,
                           Kind::kJsonb, Kind::kJsonb,     Kind::kJsonb};
constexpr size_t kFieldCount = sizeof kKinds / sizeof kKinds[0];

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

// Appends one field (length, then bytes) from its unescaped text; false when the text is not a
// valid value of `kind`.
bool PutField(Kind kind, std::string_view text, bool is_null, std::string* out) {
  if (is_null) {
    PutInt32(out, -1);
    return true;
  }
  switch (kind) {
    case Kind::kUuid:  // 8-4-4-4-12 hex digits
      if (!IsUuid(text)) return false;
      PutInt32(out, 16);
      for (auto [at, digits] : {std::pair{0, 8}, {9, 4}, {14, 4}, {19, 4}, {24, 12}}) {
        AppendHexBytes(text.substr(at, digits), out);
      }
      return true;
    case Kind::kTimestamp: {
      const std::optional<TimestampUs> at = ParseRfc3339(text);
      if (!at) return false;
      PutInt32(out, 8);
      PutInt64(out, *at - kPostgresEpochUs);
      return true;
    }
    case Kind::kBytea:  // bytea's hex text form: "\x" and the digits
      if (text.substr(0, 2) != "\\x") return false;
      PutInt32(out, static_cast<int32_t>((text.size() - 2) / 2));
      return AppendHexBytes(text.substr(2), out);
    case Kind::kJsonb:
      PutInt32(out, static_cast<int32_t>(text.size() + 1));
      out->push_back(static_cast<char>(kJsonbVersion));
      out->append(text);
      return true;
    case Kind::kText:
      PutInt32(out, static_cast<int32_t>(text.size()));
      out->append(text);
      return true;
  }
  return false;
}

}  // namespace

Status AppendExposureBinaryCopy(std::string_view lines, std::string* out) {
  static constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // 11 bytes with its NUL
  out->append(kSignature, sizeof kSignature);
  PutInt32(out, 0);  // flags: no OIDs
  PutInt32(out, 0);  // header extension length
  std::string storage;
  std::vector<std::string_view> fields;
  std::vector<char> nulls;
  size_t line_number = 0;
  while (!lines.empty()) {
    ++line_number;
    const size_t end = lines.find('\n');
    SplitCopyLine(lines.substr(0, end), storage, fields, nulls);
    lines.remove_prefix(end == std::string_view::npos ? lines.size() : end + 1);
    if (fields.size() != kFieldCount) {
      return Status::InvalidArgument("exposure line " + std::to_string(line_number) + ": not " +
                                     std::to_string(kFieldCount) + " fields");
    }
    PutInt16(out, static_cast<int16_t>(kFieldCount));
    for (size_t field = 0; field < kFieldCount; ++field) {
      if (!PutField(kKinds[field], fields[field], nulls[field] != 0, out)) {
        return Status::InvalidArgument("exposure line " + std::to_string(line_number) + ": field " +
                                       std::to_string(field + 1) + " is malformed");
      }
    }
  }
  PutInt16(out, -1);  // trailer
  return Status::Ok();
}

}  // namespace recsys::store
