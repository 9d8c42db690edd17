// Pieces of PostgreSQL's binary COPY format ("COPY ... FROM STDIN WITH (FORMAT binary)"): the
// header and trailer, and one field at a time in the types' send/receive forms. A row is
// PutInt16(field count) followed by its fields. Binary input spares the server the text parsing
// of every value (uuids, dates and numerics arrive ready). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace recsys::store {

// PostgreSQL's timestamps count microseconds, and its dates days, from 2000-01-01 UTC.
inline constexpr int64_t kPostgresEpochUs = 946684800LL * 1000000;
inline constexpr int32_t kPostgresEpochDay = 10957;  // in Unix days

void AppendBinaryCopyHeader(std::string* out);
void AppendBinaryCopyTrailer(std::string* out);

// Big-endian integers, as the format and its length prefixes want them.
void PutInt16(std::string* out, int16_t value);
void PutInt32(std::string* out, int32_t value);
void PutInt64(std::string* out, int64_t value);

// The signed big-endian integer in `bytes` (1 to 8 of them), as binary COPY sends int2/4/8.
int64_t ReadBigEndian(std::string_view bytes);

// The value of a numeric field in numeric_send's form, as the nearest double (the same double
// its decimal text parses to); nullopt for NaN, infinities and bytes that are not a numeric.
std::optional<double> ReadNumericField(std::string_view bytes);

// Calls `element` for each element of a one-dimensional array field in array_send's form (text
// elements: their bytes); NULL elements are skipped. False when `bytes` is not such an array.
bool ForEachBinaryArrayElement(std::string_view bytes,
                               const std::function<void(std::string_view)>& element);

// One field each: its length, then its bytes.
void PutTextField(std::string* out, std::string_view text);
// `text` is 8-4-4-4-12 hex digits; false (and nothing appended) when it is not.
bool PutUuidField(std::string* out, std::string_view text);
// A date given as days since 1970-01-01.
void PutDateField(std::string* out, int32_t unix_day);
// The numeric units × 10^-scale (0 <= scale <= 8), with display scale `scale`.
void PutNumericField(std::string* out, int64_t units, int scale);

}  // namespace recsys::store
