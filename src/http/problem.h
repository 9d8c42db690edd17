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

// The problem for a failed Status: kInvalidArgument 400 RECSYS_INVALID_REQUEST, kPermissionDenied
// 403, kNotFound 404, kConflict 409, kResourceExhausted 413, kUnavailable 503; anything else is a
// 500 (a bug). The detail is the status message.
HttpResponse StatusProblem(const Status& status, const HttpRequest& request);

// A JSON response from an already serialized body.
HttpResponse Json(int status, std::string body);

}  // namespace recsys::http
