#include "http/preview_routes.h"

#include "http/admin_call.h"
#include "http/problem.h"
#include "service/impact_report_json.h"

namespace recsys::http {
namespace {

// How long a client should wait before retrying a preview the database could not serve.
constexpr int kUnavailableRetryS = 5;

// `status`, with a retry delay when it says the database is unavailable (api.md: 503 with
// Retry-After).
Status WithRetry(Status status) {
  if (status.code() == StatusCode::kUnavailable && status.retry_after_s() == 0) {
    return Status::Unavailable(status.message()).WithRetryAfter(kUnavailableRetryS);
  }
  return status;
}

// What a problem response needs of the request, copied: the answer is made on the preview's
// worker thread, which must not read the connection's request.
struct RequestEcho {
  std::string path, request_id;
  HttpResponse Problem(const Status& status) const {
    HttpRequest request;
    request.path = path;
    request.request_id = request_id;
    return StatusProblem(status, request);
  }
};

void Preview(const Authenticator& auth, const service::AdminService& admin,
             service::PreviewRunner& runner, HttpRequest& r, Responder respond) {
  bool queued = false;
  HttpResponse answer = Admin(
      auth, admin, r, "operator", [&](const service::TenantRef& tenant, const service::Actor&) {
        auto request = service::ParsePreviewRequest(r.body);
        if (!request.ok()) return StatusProblem(request.status(), r);
        RequestEcho echo{std::string(r.path), r.request_id};
        Status submitted =
            runner.Submit(tenant, std::move(request).value(),
                          [respond, echo](Result<service::ImpactReport> report) {
                            if (!report.ok())
                              return respond(echo.Problem(WithRetry(report.status())));
                            respond(Json(200, service::ImpactReportJson(report.value())));
                          });
        if (!submitted.ok()) return StatusProblem(submitted, r);
        queued = true;
        return HttpResponse{};
      });
  if (queued) return;
  if (answer.status == 503 && answer.Header("Retry-After").empty()) {
    answer.headers.emplace_back("Retry-After", std::to_string(kUnavailableRetryS));
  }
  respond(std::move(answer));
}

}  // namespace

void AddPreviewRoutes(Router& router, const Authenticator& auth, const service::AdminService& admin,
                      service::PreviewRunner& runner) {
  router.AddDeferred("POST", "/v1/admin/tenants/{tenant_id}/preview",
                     [&auth, &admin, &runner](HttpRequest& r, Responder respond) {
                       Preview(auth, admin, runner, r, std::move(respond));
                     });
}

}  // namespace recsys::http
