// An exposure_events row in its two forms.
//
// The writer's queue holds rows as binary COPY tuples (PostgreSQL's "FORMAT binary" row: a field
// count, then each field's length and bytes), built once on the request thread and sent as they
// are: PostgreSQL splits and unescapes no fields and reads uuids, the timestamp and the user key
// as raw bytes (json's binary form is its text, which PostgreSQL still validates). Spill and
// dead-letter files keep COPY text lines instead (line oriented, readable with `less`, easy to
// split), so only the rare paths to and from disk convert between the two.
// Columns, in order: RECSYS_EXPOSURE_COLUMNS (a macro, so that SQL text can be joined to it at
// compile time). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"
#include "service/exposure_sink.h"

namespace recsys::store {

#define RECSYS_EXPOSURE_COLUMNS                                                                 \
  "tenant_id, occurred_at, request_id, surface, segment, user_key, session_id, experiment_id, " \
  "experiment_variant, algo_version, config_etag, rules_etag, request, response, meta"

// Appends `row` to *out as one tuple. Returns false, with *out unchanged, when its tenant_id or
// request_id is not a uuid (such a row can only be kept as a text line).
bool AppendExposureTuple(const service::Exposure& row, std::string* out);

// Appends `row` to *out as one COPY text line ending in '\n' (any row).
void AppendExposureLine(const service::Exposure& row, std::string* out);

// The size in bytes of the first tuple of `tuples`, or 0 when `tuples` does not start with a
// whole exposure tuple.
size_t ExposureTupleSize(std::string_view tuples);

// The number of whole tuples that `tuples` starts with.
size_t CountExposureTuples(std::string_view tuples);

// Appends each of `tuples` (whole tuples, as AppendExposureTuple wrote them) to *out as its text
// line, the same line AppendExposureLine writes for the row.
void AppendExposureLines(std::string_view tuples, std::string* out);

// Appends the text line `line` (without its '\n') to *out as a tuple. kInvalidArgument, naming
// the field, when the line is not an exposure row (wrong field count, a malformed uuid, timestamp
// or user key); *out is then unchanged.
Status AppendExposureTupleFromLine(std::string_view line, std::string* out);

}  // namespace recsys::store
