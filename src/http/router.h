// Maps (method, path pattern) to a handler. Patterns are literal segments and "{name}" segments,
// e.g. "/v1/admin/tenants/{tenant_id}/config". Add all routes before serving; after that Dispatch
// is thread-safe (read-only). A deferred route's handler answers later, from any thread (work that
// must not hold an I/O thread, e.g. an impact preview on its own worker).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "obs/metrics.h"

namespace recsys::http {

using Handler = std::function<HttpResponse(HttpRequest&)>;
// Takes the response of a deferred route; called exactly once, from any thread.
using Responder = std::function<void(HttpResponse)>;
// Starts the work and returns; calls the Responder when done (or at once). `request` is valid
// only during the call: copy what the work needs. It must not throw once it has handed the
// Responder on (a throw answers 500 at once, and a second answer would follow).
using DeferredHandler = std::function<void(HttpRequest&, Responder)>;

class Router {
 public:
  void Add(std::string method, std::string_view pattern, Handler handler);
  void AddDeferred(std::string method, std::string_view pattern, DeferredHandler handler);

  // Calls the matching handler, filling request.path_params and request.route, and returns its
  // response; for a deferred route returns nullopt, having passed make_responder() to the
  // handler (which answers through it later). An unknown path is a 404 problem; a known path
  // with another method is a 405 problem with an Allow header.
  std::optional<HttpResponse> Dispatch(HttpRequest& request,
                                       const std::function<Responder()>& make_responder) const;
  // The same, waiting for a deferred route's answer (for tests and tools, not the I/O threads).
  HttpResponse Dispatch(HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;   // "{name}" marks a parameter
    Handler handler;                     // a plain route, or
    DeferredHandler deferred;            // a deferred one
    const obs::RouteCounters* counters;  // this route's request metrics
  };
  // `parts`: the request path split at '/' (once per request, not per route tried).
  static bool Match(const Route& route, const std::vector<std::string_view>& parts,
                    std::vector<std::pair<std::string_view, std::string>>* params);

  std::vector<Route> routes_;
};

}  // namespace recsys::http
