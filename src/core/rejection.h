// One refused element of a batch (an event, a catalog item, an import line), reported with its
// position so that the rest of the batch still goes in.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "core/status.h"

namespace recsys {

struct Rejection {
  int index = 0;       // position in the batch (0-based), or the line number for imports
  std::string code;    // stable, names the field: INVALID_OCCURRED_AT, MISSING_USER, ...
  std::string detail;  // starts with the field path
};

// Parses a batch body {"<key>": [...]} into *doc and returns the array. Errors: kInvalidArgument
// when the body is not strict JSON (core/strict_json.h), not an object, or has no non-empty
// `key` array; kResourceExhausted when the array holds more than `max` elements.
Result<const rapidjson::Value*> ParseBatchBody(std::string_view body, const char* key, size_t max,
                                               rapidjson::Document* doc);

// `rejection` of element `index` of the batch array `key`: the index set, the detail prefixed
// with the element's path ("events[3].occurred_at: ...").
Rejection AtIndex(Rejection rejection, const char* key, int index);

}  // namespace recsys
