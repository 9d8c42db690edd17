// Maps (method, path pattern) to a handler. Patterns are literal segments and "{name}" segments,
// e.g. "/v1/admin/tenants/{tenant_id}/config". Add all routes before serving; after that Dispatch
// is thread-safe (read-only).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "obs/metrics.h"

namespace recsys::http {

using Handler = std::function<HttpResponse(HttpRequest&)>;

class Router {
 public:
  void Add(std::string method, std::string_view pattern, Handler handler);

  // Calls the matching handler, filling request.path_params and request.route. An unknown path is a
  // 404 problem; a known path with another method is a 405 problem with an Allow header.
  HttpResponse Dispatch(HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{name}" marks a parameter
    Handler handler;
    const obs::RouteCounters* counters;  // this route's request metrics
  };
  // `parts`: the request path split at '/' (once per request, not per route tried).
  static bool Match(const Route& route, const std::vector<std::string_view>& parts,
                    std::vector<std::pair<std::string_view, std::string>>* params);

  std::vector<Route> routes_;
};

}  // namespace recsys::http
