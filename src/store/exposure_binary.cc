#include "store/exposure_binary.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/hex.h"
#include "core/time.h"
#include "store/binary_copy.h"
#include "store/copy_stream.h"

namespace recsys::store {
namespace {

enum class Kind { kUuid, kTimestamp, kText, kBytea, kJson };

// The row's columns, in the order of the header's list.
constexpr Kind kKinds[] = {Kind::kUuid,  Kind::kTimestamp, Kind::kUuid, Kind::kText, Kind::kText,
                           Kind::kBytea, Kind::kText,      Kind::kText, Kind::kText, Kind::kText,
                           Kind::kText,  Kind::kText,      Kind::kJson, Kind::kJson, Kind::kJson};
constexpr size_t kFieldCount = sizeof kKinds / sizeof kKinds[0];

// Appends one field (length, then bytes) from its unescaped text; false when the text is not a
// valid value of `kind`.
bool PutField(Kind kind, std::string_view text, bool is_null, std::string* out) {
  if (is_null) {
    PutInt32(out, -1);
    return true;
  }
  switch (kind) {
    case Kind::kUuid:
      return PutUuidField(out, text);
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
    case Kind::kJson:  // json's binary form is its text (validated by PostgreSQL)
    case Kind::kText:
      PutTextField(out, text);
      return true;
  }
  return false;
}

}  // namespace

Status AppendExposureBinaryCopy(std::string_view lines, std::string* out) {
  AppendBinaryCopyHeader(out);
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
  AppendBinaryCopyTrailer(out);
  return Status::Ok();
}

}  // namespace recsys::store
