// The one JSON reader for request bodies and stored documents: RapidJSON, plus the checks that
// make a body mean one thing only (issue 9, "hostile input").
//
// ParseStrictJson accepts well-formed JSON nested at most kMaxJsonDepth deep, with no object
// naming a member twice ({"surface": "a", "surface": "b"} is ambiguous: parsers disagree on which
// wins) and every string (names too) valid UTF-8 without UTF-16 surrogates or NUL (what
// PostgreSQL's text and jsonb can store, and what a response may echo). Errors are
// kInvalidArgument whose message starts with `what` ("body: duplicate member \"surface\"").
// Pure; thread-safe.
#pragma once

#include <rapidjson/document.h>

#include <string_view>

#include "core/status.h"

namespace recsys {

inline constexpr int kMaxJsonDepth = 64;

Status ParseStrictJson(std::string_view text, rapidjson::Document* doc,
                       std::string_view what = "body");

// ParseStrictJson, then requires the document to be an object: otherwise kInvalidArgument
// "<what>: must be a JSON object". Pure; thread-safe.
Status ParseStrictJsonObject(std::string_view text, rapidjson::Document* doc,
                             std::string_view what = "body");

}  // namespace recsys
