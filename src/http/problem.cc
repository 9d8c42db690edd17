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

namespace {

struct ProblemKind {
  int status;
  const char* code;
};

ProblemKind KindOf(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return {400, "RECSYS_INVALID_REQUEST"};
    case StatusCode::kUnauthenticated:
      return {401, "RECSYS_UNAUTHORIZED"};
    case StatusCode::kPermissionDenied:
      return {403, "RECSYS_FORBIDDEN"};
    case StatusCode::kNotFound:
      return {404, "RECSYS_NOT_FOUND"};
    case StatusCode::kConflict:
      return {409, "RECSYS_VERSION_MISMATCH"};
    case StatusCode::kUnprocessable:
      return {422, "RECSYS_UNPROCESSABLE_ENTITY"};
    case StatusCode::kResourceExhausted:
      if (status.retry_after_s() > 0) return {429, "RECSYS_RATE_LIMITED"};
      return {413, "RECSYS_PAYLOAD_TOO_LARGE"};
    case StatusCode::kUnavailable:
      return {503, "RECSYS_UNAVAILABLE"};
    default:
      return {500, "RECSYS_INTERNAL"};
  }
}

}  // namespace

HttpResponse StatusProblem(const Status& status, const HttpRequest& request) {
  const ProblemKind kind = KindOf(status);
  HttpResponse response = Problem(kind.status, status.reason() ? status.reason() : kind.code,
                                  status.message(), request);
  if (status.retry_after_s() > 0) {
    response.headers.emplace_back("Retry-After", std::to_string(status.retry_after_s()));
  }
  return response;
}

HttpResponse Json(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

}  // namespace recsys::http
