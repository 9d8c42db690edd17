// application/problem+json responses (RFC 9457) with recsys's stable error codes.
#pragma once

#include <string_view>

#include "core/status.h"
#include "http/message.h"

namespace recsys::http {

// A problem response: {type, title, status, detail, code, instance, request_id}. The title is the
// standard reason phrase of `status`; `type` is a stable URN built from `code`; `instance` is the
// path, cut to 256 bytes.
HttpResponse Problem(int status, std::string_view code, std::string_view detail,
                     const HttpRequest& request);

// The one mapping from a failed Status to a response: kInvalidArgument 400 RECSYS_INVALID_REQUEST,
// kUnauthenticated 401 RECSYS_UNAUTHORIZED, kPermissionDenied 403 RECSYS_FORBIDDEN, kNotFound 404
// RECSYS_NOT_FOUND, kConflict 409 RECSYS_VERSION_MISMATCH, kUnprocessable 422
// RECSYS_UNPROCESSABLE_ENTITY, kResourceExhausted 429 RECSYS_RATE_LIMITED with Retry-After when
// it carries a retry delay (else 413 RECSYS_PAYLOAD_TOO_LARGE), kUnavailable 503
// RECSYS_UNAVAILABLE; anything else is a 500 (a bug). The status's reason(), when set, replaces
// the code; the detail is its message; a retry delay becomes Retry-After.
HttpResponse StatusProblem(const Status& status, const HttpRequest& request);

// A JSON response from an already serialized body.
HttpResponse Json(int status, std::string body);

}  // namespace recsys::http
