#include "http/cors.h"

#include "http/problem.h"

namespace recsys::http {

bool CorsPolicy::Allowed(std::string_view origin) const {
  if (origin.empty()) return false;
  for (const std::string& allowed : origins_) {
    if (allowed == "*" || allowed == origin) return true;
  }
  return false;
}

std::optional<HttpResponse> CorsPolicy::Preflight(const HttpRequest& request) const {
  if (origins_.empty() || request.method != "OPTIONS" ||
      request.Header("Access-Control-Request-Method").empty()) {
    return std::nullopt;
  }
  const std::string_view origin = request.Header("Origin");
  if (!Allowed(origin)) {
    return StatusProblem(Status::PermissionDenied("origin is not allowed"), request);
  }
  HttpResponse response;
  response.status = 204;
  response.content_type = "text/plain";
  response.headers = {
      {"Access-Control-Allow-Origin", std::string(origin)},
      {"Access-Control-Allow-Methods", "GET, POST, PUT, OPTIONS"},
      {"Access-Control-Allow-Headers",
       "Content-Type, Authorization, X-API-Key, X-Org-Id, X-Request-Id, If-Match"},
      {"Access-Control-Max-Age", "600"},
      {"Vary", "Origin"},
  };
  return response;
}

void CorsPolicy::Decorate(const HttpRequest& request, HttpResponse& response) const {
  const std::string_view origin = request.Header("Origin");
  if (origins_.empty() || !Allowed(origin)) return;
  response.headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
  response.headers.emplace_back("Access-Control-Expose-Headers", "X-Request-Id, ETag, Retry-After");
  response.headers.emplace_back("Vary", "Origin");
}

}  // namespace recsys::http
