#include "store/exposure_row.h"

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

// The row's columns, in the order of RECSYS_EXPOSURE_COLUMNS.
constexpr Kind kKinds[] = {Kind::kUuid,  Kind::kTimestamp, Kind::kUuid, Kind::kText, Kind::kText,
                           Kind::kBytea, Kind::kText,      Kind::kText, Kind::kText, Kind::kText,
                           Kind::kText,  Kind::kText,      Kind::kJson, Kind::kJson, Kind::kJson};
constexpr size_t kFieldCount = sizeof kKinds / sizeof kKinds[0];

// A text field: NULL when empty, except the columns that are NOT NULL (surface, segment,
// algo_version, request, response), where empty stays empty.
void PutText(std::string* out, std::string_view text, bool empty_is_null = true) {
  if (text.empty() && empty_is_null) {
    PutInt32(out, -1);
  } else {
    PutTextField(out, text);
  }
}

// Appends one field (length, then bytes) from its unescaped text; false when the text is not a
// valid value of `kind`.
bool PutFieldFromText(Kind kind, std::string_view text, bool is_null, std::string* out) {
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
    case Kind::kJson:
    case Kind::kText:
      PutTextField(out, text);
      return true;
  }
  return false;
}

// Appends one field of a tuple (its bytes, or nullopt for NULL) as a COPY text field.
void AppendFieldAsText(Kind kind, std::optional<std::string_view> bytes, std::string* out) {
  if (!bytes) {
    out->append("\\N");
    return;
  }
  switch (kind) {
    case Kind::kUuid:
      for (auto [at, size] : {std::pair{0, 4}, {4, 2}, {6, 2}, {8, 2}, {10, 6}}) {
        if (at > 0) out->push_back('-');
        AppendHexDigits(bytes->substr(at, size), out);
      }
      return;
    case Kind::kTimestamp:
      out->append(FormatRfc3339(ReadBigEndian(*bytes) + kPostgresEpochUs));
      return;
    case Kind::kBytea:
      out->append("\\\\x");  // the backslash of "\x", escaped for COPY text
      AppendHexDigits(*bytes, out);
      return;
    case Kind::kJson:
    case Kind::kText:
      AppendCopyEscaped(*out, *bytes);
      return;
  }
}

}  // namespace

bool AppendExposureTuple(const service::Exposure& r, std::string* out) {
  const size_t start = out->size();
  PutInt16(out, static_cast<int16_t>(kFieldCount));
  if (!PutUuidField(out, r.tenant_id)) {
    out->resize(start);
    return false;
  }
  PutInt32(out, 8);
  PutInt64(out, r.occurred_at - kPostgresEpochUs);
  if (!PutUuidField(out, r.request_id)) {
    out->resize(start);
    return false;
  }
  PutText(out, r.surface, /*empty_is_null=*/false);
  PutText(out, r.segment, /*empty_is_null=*/false);
  PutText(out, r.user_key);  // bytea's binary form is its bytes
  PutText(out, r.session_id);
  PutText(out, r.experiment_id);
  PutText(out, r.experiment_variant);
  PutText(out, r.algo_version, /*empty_is_null=*/false);
  PutText(out, r.config_etag);
  PutText(out, r.rules_etag);
  PutText(out, r.request_json, /*empty_is_null=*/false);
  PutText(out, r.response_json, /*empty_is_null=*/false);
  PutText(out, r.meta_json);
  return true;
}

void AppendExposureLine(const service::Exposure& r, std::string* out) {
  std::string& line = *out;
  AppendCopyField(line, r.tenant_id);
  AppendCopyField(line, FormatRfc3339(r.occurred_at));
  AppendCopyField(line, r.request_id);
  AppendCopyField(line, r.surface, '\t', /*empty_is_null=*/false);
  AppendCopyField(line, r.segment, '\t', /*empty_is_null=*/false);
  if (r.user_key.empty()) {
    AppendCopyField(line, "");
  } else {
    line.append("\\\\x");
    AppendHexDigits(r.user_key, out);
    line.push_back('\t');
  }
  AppendCopyField(line, r.session_id);
  AppendCopyField(line, r.experiment_id);
  AppendCopyField(line, r.experiment_variant);
  AppendCopyField(line, r.algo_version, '\t', /*empty_is_null=*/false);
  AppendCopyField(line, r.config_etag);
  AppendCopyField(line, r.rules_etag);
  AppendCopyField(line, r.request_json, '\t', /*empty_is_null=*/false);
  AppendCopyField(line, r.response_json, '\t', /*empty_is_null=*/false);
  AppendCopyField(line, r.meta_json, '\n');
}

size_t ExposureTupleSize(std::string_view tuples) {
  if (tuples.size() < 2 || ReadBigEndian(tuples.substr(0, 2)) != kFieldCount) return 0;
  size_t at = 2;
  for (size_t field = 0; field < kFieldCount; ++field) {
    if (tuples.size() - at < 4) return 0;
    const int64_t length = ReadBigEndian(tuples.substr(at, 4));
    at += 4;
    if (length < 0) continue;  // NULL
    if (tuples.size() - at < static_cast<size_t>(length)) return 0;
    at += static_cast<size_t>(length);
  }
  return at;
}

size_t CountExposureTuples(std::string_view tuples) {
  size_t count = 0;
  while (const size_t size = ExposureTupleSize(tuples)) {
    tuples.remove_prefix(size);
    ++count;
  }
  return count;
}

void AppendExposureLines(std::string_view tuples, std::string* out) {
  while (const size_t size = ExposureTupleSize(tuples)) {
    size_t at = 2;
    for (size_t field = 0; field < kFieldCount; ++field) {
      if (field > 0) out->push_back('\t');
      const int64_t length = ReadBigEndian(tuples.substr(at, 4));
      at += 4;
      if (length < 0) {
        AppendFieldAsText(kKinds[field], std::nullopt, out);
        continue;
      }
      AppendFieldAsText(kKinds[field], tuples.substr(at, static_cast<size_t>(length)), out);
      at += static_cast<size_t>(length);
    }
    out->push_back('\n');
    tuples.remove_prefix(size);
  }
}

Status AppendExposureTupleFromLine(std::string_view line, std::string* out) {
  thread_local std::string storage;
  thread_local std::vector<std::string_view> fields;
  thread_local std::vector<char> nulls;
  SplitCopyLine(line, storage, fields, nulls);
  if (fields.size() != kFieldCount) {
    return Status::InvalidArgument("not " + std::to_string(kFieldCount) + " fields");
  }
  const size_t start = out->size();
  PutInt16(out, static_cast<int16_t>(kFieldCount));
  for (size_t field = 0; field < kFieldCount; ++field) {
    if (!PutFieldFromText(kKinds[field], fields[field], nulls[field] != 0, out)) {
      out->resize(start);
      return Status::InvalidArgument("field " + std::to_string(field + 1) + " is malformed");
    }
  }
  return Status::Ok();
}

}  // namespace recsys::store
