#include "http/ops_routes.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <utility>

#include "http/openapi_document.h"
#include "http/problem.h"

namespace recsys::http {

void AddOpsRoutes(Router& router, std::function<service::ReadinessMonitor::Verdict()> readiness,
                  std::function<obs::Metrics::Gauges()> gauges) {
  router.Add("GET", "/metrics", [gauges = std::move(gauges)](HttpRequest&) {
    HttpResponse response = Json(200, obs::Metrics::Global().Render(gauges()));
    response.content_type = "text/plain; version=0.0.4";
    return response;
  });
  router.Add("GET", "/healthz", [](HttpRequest&) { return Json(200, R"({"status":"ok"})"); });
  router.Add("GET", "/readyz", [readiness = std::move(readiness)](HttpRequest& request) {
    const service::ReadinessMonitor::Verdict verdict = readiness();
    if (verdict.ready) return Json(200, R"({"status":"ready"})");
    HttpResponse response =
        StatusProblem(Status::Unavailable(verdict.failed_probe + ": " + verdict.reason), request);
    // Add the machine-readable parts beside the standard problem members.
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("ready");
    w.Bool(false);
    w.Key("probe");
    w.String(verdict.failed_probe.c_str());
    w.Key("reason");
    w.String(verdict.reason.c_str());
    w.EndObject();
    std::string extra(buffer.GetString() + 1, buffer.GetSize() - 1);  // drop the leading '{'
    response.body.back() = ',';
    response.body += extra;
    response.headers.emplace_back("Retry-After", "1");
    return response;
  });
  router.Add("GET", "/openapi.json",
             [](HttpRequest&) { return Json(200, std::string(OpenApiDocument())); });
  router.Add("GET", "/v1/license",
             [](HttpRequest&) { return Json(200, R"({"status":"valid","commercial":false})"); });
}

}  // namespace recsys::http
