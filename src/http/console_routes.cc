#include "http/console_routes.h"

#include <string_view>

#include "http/console_assets.h"
#include "http/problem.h"

namespace recsys::http {

// Reports (self-contained HTML with inline styles and SVG) are shown in a sandboxed srcdoc frame,
// which inherits this policy: hence inline styles, never inline scripts.
const char* const kConsoleContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "
    "data:; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

namespace {

HttpResponse Asset(const ConsoleAsset& asset) {
  HttpResponse response{200, asset.content_type, asset.body, {}};
  response.headers.emplace_back("Content-Security-Policy", kConsoleContentSecurityPolicy);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Cache-Control", "no-cache");
  return response;
}

const ConsoleAsset* Find(std::string_view name) {
  for (int i = 0; i < kConsoleAssetCount; ++i) {
    if (name == kConsoleAssets[i].name) return &kConsoleAssets[i];
  }
  return nullptr;
}

}  // namespace

void AddConsoleRoutes(Router& router) {
  router.Add("GET", "/admin", [](HttpRequest&) {
    HttpResponse response{301, "text/plain; charset=utf-8", "", {}};
    response.headers.emplace_back("Location", "/admin/");
    return response;
  });
  router.Add("GET", "/admin/", [](HttpRequest& request) {
    const ConsoleAsset* index = Find("index.html");
    if (index == nullptr)
      return StatusProblem(Status::NotFound("the console is not built in"), request);
    return Asset(*index);
  });
  router.Add("GET", "/admin/{file}", [](HttpRequest& request) {
    const ConsoleAsset* asset = Find(request.PathParam("file"));
    if (asset == nullptr) return StatusProblem(Status::NotFound("no such console file"), request);
    return Asset(*asset);
  });
}

}  // namespace recsys::http
