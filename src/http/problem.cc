#include "http/problem.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

namespace recsys::http {
namespace {

constexpr size_t kMaxInstanceLength = 256;

const char* ReasonPhrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

}  // namespace

HttpResponse Problem(int status, std::string_view code, std::string_view detail,
                     const HttpRequest& request) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  const std::string type = "urn:recsys:problem:" + std::string(code);
  w.StartObject();
  w.Key("type");
  w.String(type.data(), static_cast<rapidjson::SizeType>(type.size()));
  w.Key("title");
  w.String(ReasonPhrase(status));
  w.Key("status");
  w.Int(status);
  w.Key("detail");
  w.String(detail.data(), static_cast<rapidjson::SizeType>(detail.size()));
  w.Key("code");
  w.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  // Bounded, so that a huge path is not reflected back whole.
  const std::string_view instance = request.path.substr(0, kMaxInstanceLength);
  w.Key("instance");
  w.String(instance.data(), static_cast<rapidjson::SizeType>(instance.size()));
  w.Key("request_id");
  w.String(request.request_id.data(), static_cast<rapidjson::SizeType>(request.request_id.size()));
  w.EndObject();
  HttpResponse response;
  response.status = status;
  response.content_type = "application/problem+json";
  response.body.assign(buffer.GetString(), buffer.GetSize());
  return response;
}

HttpResponse StatusProblem(const Status& status, const HttpRequest& request) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return Problem(400, "RECSYS_INVALID_REQUEST", status.message(), request);
    case StatusCode::kPermissionDenied:
      return Problem(403, "RECSYS_FORBIDDEN", status.message(), request);
    case StatusCode::kNotFound:
      return Problem(404, "RECSYS_NOT_FOUND", status.message(), request);
    case StatusCode::kConflict:
      return Problem(409, "RECSYS_VERSION_MISMATCH", status.message(), request);
    case StatusCode::kResourceExhausted:
      return Problem(413, "RECSYS_PAYLOAD_TOO_LARGE", status.message(), request);
    case StatusCode::kUnavailable:
      return Problem(503, "RECSYS_UNAVAILABLE", status.message(), request);
    default:
      return Problem(500, "RECSYS_INTERNAL", status.message(), request);
  }
}

HttpResponse Json(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

}  // namespace recsys::http
