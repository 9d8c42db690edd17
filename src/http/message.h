// The HTTP request and response as the rest of recsys sees them: plain structs, no Beast types.
//
// An HttpRequest's string_views point into the connection's buffers and are valid only during the
// handler call that receives it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace recsys::obs {
class RouteCounters;
}

namespace recsys::http {

struct HttpRequest {
  std::string_view method;  // "GET", "POST", ...
  std::string_view path;    // without the query string
  std::string_view query;   // after '?', without it; empty when absent
  std::string_view body;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::vector<std::pair<std::string_view, std::string>> path_params;  // from "{name}" segments
  std::string request_id;  // always a UUID: the caller's X-Request-Id when valid, else a new one
  std::string_view remote_ip;
  const obs::RouteCounters* route = nullptr;  // set by the router on a match, for metrics

  // The first header named `name` (case-insensitive), or empty.
  std::string_view Header(std::string_view name) const;
  // How many headers are named `name` (case-insensitive).
  size_t HeaderCount(std::string_view name) const;
  // The path parameter `name`, or empty.
  std::string_view PathParam(std::string_view name) const;
  // The first query parameter `name`, percent-decoded ('+' is a space), or empty.
  std::string QueryParam(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  // The first header named `name` (case-insensitive), or empty.
  std::string_view Header(std::string_view name) const;
};

// Whether a Content-Type names JSON (application/json or any +json type, parameters ignored). A
// missing type counts as JSON, so that `curl -d` without -H works.
bool IsJsonContentType(std::string_view type);

}  // namespace recsys::http
