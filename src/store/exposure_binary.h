// Exposure rows in PostgreSQL's binary COPY format.
//
// The writer's queue, spill files and dead-letter files keep rows as COPY text lines (line
// oriented, readable, easy to split when isolating a refused row). Just before a batch is sent it
// is converted to the binary format, which PostgreSQL ingests with less work per row: no field
// splitting or unescaping, and uuids, the timestamp and the user key arrive as raw bytes (the
// json columns' binary form is their text, which PostgreSQL still validates). Pure functions;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace recsys::store {

// Converts `lines` (whole exposure COPY text lines, each ending in '\n', as
// ExposureWriter::AppendCopyLine writes them: tenant_id, occurred_at, request_id, surface,
// segment, user_key, session_id, experiment_id, experiment_variant, algo_version, config_etag,
// rules_etag, request, response, meta) into one binary COPY stream (header, rows, trailer)
// appended to *out. kInvalidArgument, naming the line and the field, when a line is not such a row
// (wrong field count, a malformed uuid, timestamp or user key); *out is then unspecified.
Status AppendExposureBinaryCopy(std::string_view lines, std::string* out);

}  // namespace recsys::store
