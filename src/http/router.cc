#include "http/router.h"

#include <future>
#include <utility>

#include "http/problem.h"

namespace recsys::http {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::Add(std::string method, std::string_view pattern, Handler handler) {
  const obs::RouteCounters* counters = obs::Metrics::Global().RegisterRoute(method, pattern);
  Route route{std::move(method), {}, std::move(handler), {}, counters};
  for (std::string_view s : SplitPath(pattern)) route.segments.emplace_back(s);
  routes_.push_back(std::move(route));
}

void Router::AddDeferred(std::string method, std::string_view pattern, DeferredHandler handler) {
  const obs::RouteCounters* counters = obs::Metrics::Global().RegisterRoute(method, pattern);
  Route route{std::move(method), {}, {}, std::move(handler), counters};
  for (std::string_view s : SplitPath(pattern)) route.segments.emplace_back(s);
  routes_.push_back(std::move(route));
}

bool Router::Match(const Route& route, const std::vector<std::string_view>& parts,
                   std::vector<std::pair<std::string_view, std::string>>* params) {
  if (parts.size() != route.segments.size()) return false;
  params->clear();
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& want = route.segments[i];
    if (IsParam(want)) {
      if (parts[i].empty()) return false;
      params->emplace_back(std::string_view(want).substr(1, want.size() - 2),
                           std::string(parts[i]));
    } else if (want != parts[i]) {
      return false;
    }
  }
  return true;
}

HttpResponse Router::Dispatch(HttpRequest& request) const {
  std::promise<HttpResponse> answer;
  std::optional<HttpResponse> now = Dispatch(request, [&answer]() -> Responder {
    return [&answer](HttpResponse response) { answer.set_value(std::move(response)); };
  });
  return now ? std::move(*now) : answer.get_future().get();
}

std::optional<HttpResponse> Router::Dispatch(
    HttpRequest& request, const std::function<Responder()>& make_responder) const {
  std::string allowed;
  std::vector<std::pair<std::string_view, std::string>> params;
  std::vector<std::string_view> parts;
  if (!request.path.empty() && request.path.front() == '/') parts = SplitPath(request.path);
  for (const Route& route : routes_) {
    if (parts.empty() || !Match(route, parts, &params)) continue;
    if (route.method == request.method) {
      request.path_params = std::move(params);
      request.route = route.counters;
      if (route.deferred) {
        route.deferred(request, make_responder());
        return std::nullopt;
      }
      return route.handler(request);
    }
    allowed += (allowed.empty() ? "" : ", ") + route.method;
  }
  if (allowed.empty()) {
    return StatusProblem(Status::NotFound("no route for this path"), request);
  }
  HttpResponse response =
      Problem(405, "RECSYS_METHOD_NOT_ALLOWED",
              std::string(request.method) + " is not allowed here; use " + allowed, request);
  response.headers.emplace_back("Allow", allowed);
  return response;
}

}  // namespace recsys::http
