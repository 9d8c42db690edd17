#include "http/admin_routes.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json_writer.h"
#include "core/strict_json.h"
#include "http/admin_call.h"
#include "http/problem.h"
#include "http/signal_version_routes.h"
#include "service/roles.h"
#include "service/tenant_status.h"

namespace recsys::http {
namespace {

using service::DocKind;
using service::DocVersion;
using service::TenantRef;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// "abc", W/"abc" and abc all name ETag abc.
std::optional<std::string> IfMatch(const HttpRequest& request) {
  std::string_view value = request.Header("If-Match");
  if (value.empty()) return std::nullopt;
  if (value.substr(0, 2) == "W/") value.remove_prefix(2);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  return std::string(value);
}

HttpResponse DocumentResponse(const TenantRef& tenant, DocKind kind, const DocVersion& version) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("tenant_id");
  json::WriteString(w, tenant.external_id);
  w.Key(kind == DocKind::kConfig ? "config_version" : "rules_version");
  json::WriteString(w, version.etag);
  w.Key(kind == DocKind::kConfig ? "config" : "rules");
  w.RawValue(version.document.data(), version.document.size(),
             kind == DocKind::kConfig ? rapidjson::kObjectType : rapidjson::kArrayType);
  w.EndObject();
  HttpResponse response = Json(200, std::string(buffer.GetString(), buffer.GetSize()));
  response.headers.emplace_back("ETag", version.etag);
  return response;
}

void AddDocumentRoutes(Router& router, const Authenticator& auth,
                       const service::AdminService& admin, DocKind kind) {
  const std::string base = std::string("/v1/admin/tenants/{tenant_id}/") +
                           (kind == DocKind::kConfig ? "config" : "rules");
  router.Add("GET", base, [&auth, &admin, kind](HttpRequest& r) {
    return Admin(auth, admin, r, "viewer", [&](const TenantRef& tenant, const service::Actor&) {
      auto current = admin.Get(tenant, kind);
      if (!current.ok()) return StatusProblem(current.status(), r);
      return DocumentResponse(tenant, kind, current.value());
    });
  });
  router.Add("PUT", base, [&auth, &admin, kind](HttpRequest& r) {
    return Admin(auth, admin, r, "operator", [&](const TenantRef& tenant, const service::Actor& a) {
      auto saved = admin.Put(tenant, kind, r.body, IfMatch(r), a);
      if (!saved.ok()) return StatusProblem(saved.status(), r);
      return DocumentResponse(tenant, kind, saved.value());
    });
  });
  router.Add("POST", base + "/rollback", [&auth, &admin, kind](HttpRequest& r) {
    return Admin(auth, admin, r, "operator", [&](const TenantRef& tenant, const service::Actor& a) {
      auto restored = admin.Rollback(tenant, kind, r.body, IfMatch(r), a);
      if (!restored.ok()) return StatusProblem(restored.status(), r);
      return DocumentResponse(tenant, kind, restored.value());
    });
  });
  router.Add("GET", base + "/versions/{version}", [&auth, &admin, kind](HttpRequest& r) {
    return Admin(auth, admin, r, "viewer", [&](const TenantRef& tenant, const service::Actor&) {
      auto version = admin.Version(tenant, kind, r.PathParam("version"));
      if (!version.ok()) return StatusProblem(version.status(), r);
      return DocumentResponse(tenant, kind, version.value());
    });
  });
  router.Add("GET", base + "/versions", [&auth, &admin, kind](HttpRequest& r) {
    return Admin(auth, admin, r, "viewer", [&](const TenantRef& tenant, const service::Actor&) {
      auto versions = admin.Versions(tenant, kind, r.QueryParam("limit"), r.QueryParam("offset"));
      if (!versions.ok()) return StatusProblem(versions.status(), r);
      rapidjson::StringBuffer buffer;
      Writer w(buffer);
      w.StartObject();
      w.Key("tenant_id");
      json::WriteString(w, tenant.external_id);
      w.Key("versions");
      w.StartArray();
      for (const DocVersion& v : versions.value()) {
        w.StartObject();
        w.Key("version");
        json::WriteString(w, v.etag);
        w.Key("created_at");
        json::WriteString(w, v.created_at);
        w.Key("created_by");
        json::WriteString(w, v.created_by);
        if (!v.comment.empty()) {
          w.Key("comment");
          json::WriteString(w, v.comment);
        }
        w.Key("current");
        w.Bool(v.current);
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
      return Json(200, std::string(buffer.GetString(), buffer.GetSize()));
    });
  });
}

// POST .../rules/dry-run {"rules": [...draft...], "request": {...a /v1/recommend body...}}.
HttpResponse DryRunResponse(const service::RecommendService& recommend, const TenantRef& tenant,
                            HttpRequest& r) {
  rapidjson::Document doc;
  if (Status parsed = ParseStrictJsonObject(r.body, &doc); !parsed.ok()) {
    return StatusProblem(parsed, r);
  }
  if (!doc.HasMember("rules") || !doc.HasMember("request") || !doc["request"].IsObject()) {
    return StatusProblem(
        Status::InvalidArgument("body: want {\"rules\": [...], \"request\": {...}}"), r);
  }
  auto text = [](const rapidjson::Value& v) {
    rapidjson::StringBuffer b;
    Writer w(b);
    v.Accept(w);
    return std::string(b.GetString(), b.GetSize());
  };
  auto result = recommend.DryRunRules(tenant.external_id, text(doc["rules"]), text(doc["request"]));
  if (!result.ok()) return StatusProblem(result.status(), r);
  const service::DryRun& run = result.value();
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  auto list = [&](const char* key, const std::vector<std::string>& items) {
    w.Key(key);
    json::WriteStringArray(w, items);
  };
  w.StartObject();
  w.Key("tenant_id");
  json::WriteString(w, tenant.external_id);
  if (!run.rules_version.empty()) {
    w.Key("rules_version");
    json::WriteString(w, run.rules_version);
  }
  list("before", run.before);
  list("after", run.after);
  w.Key("changes");
  w.StartObject();
  list("entered", run.entered);
  list("left", run.left);
  w.Key("moved");
  w.StartArray();
  for (const service::DryRunMove& m : run.moved) {
    w.StartObject();
    w.Key("item_id");
    json::WriteString(w, m.item_id);
    w.Key("from");
    w.Int(m.from);
    w.Key("to");
    w.Int(m.to);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.Key("rules");
  w.StartArray();
  for (const service::DryRunRule& rule : run.rules) {
    w.StartObject();
    w.Key("index");
    w.Int(rule.index);
    w.Key("id");
    json::WriteString(w, rule.id);
    w.Key("applicable");
    w.Bool(rule.applicable);
    list("matched", rule.matched);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Json(200, std::string(buffer.GetString(), buffer.GetSize()));
}

// Starts the report's JSON object with its listing's fields; the caller adds more and ends it.
void StartReportObject(Writer& w, const service::EvalReport& report) {
  w.StartObject();
  json::WriteStringMembers(w, {{"id", report.id},
                               {"kind", report.kind},
                               {"title", report.title},
                               {"created_at", report.created_at},
                               {"created_by", report.created_by}});
  w.Key("summary");
  w.RawValue(report.summary_json.data(), report.summary_json.size(), rapidjson::kObjectType);
}

// A stored report as JSON (its listing plus `report`), Markdown, or one HTML page whose
// Content-Security-Policy allows nothing but its own inline style and SVG.
HttpResponse ReportResponse(const service::EvalReport& report, const HttpRequest& request) {
  std::string format = request.QueryParam("format");
  if (format.empty()) {
    const std::string_view accept = request.Header("Accept");
    format = accept.find("text/html") != std::string_view::npos ? "html" : "json";
  }
  if (format == "html") {
    HttpResponse response{200, "text/html; charset=utf-8", report.html, {}};
    response.headers.emplace_back("Content-Security-Policy",
                                  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                  "frame-ancestors 'none'");
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return response;
  }
  if (format == "markdown") return {200, "text/markdown; charset=utf-8", report.markdown, {}};
  if (format != "json") {
    return StatusProblem(Status::Unprocessable("format: one of json, html, markdown"), request);
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  StartReportObject(w, report);
  w.Key("report");
  w.RawValue(report.report_json.data(), report.report_json.size(), rapidjson::kObjectType);
  w.EndObject();
  return Json(200, std::string(buffer.GetString(), buffer.GetSize()));
}

void AddReportRoutes(Router& router, const Authenticator& auth,
                     const service::AdminService& admin) {
  router.Add("GET", "/v1/admin/tenants/{tenant_id}/reports", [&auth, &admin](HttpRequest& r) {
    return Admin(auth, admin, r, "viewer", [&](const TenantRef& tenant, const service::Actor&) {
      auto reports = admin.Reports(tenant, r.QueryParam("limit"), r.QueryParam("offset"));
      if (!reports.ok()) return StatusProblem(reports.status(), r);
      rapidjson::StringBuffer buffer;
      Writer w(buffer);
      w.StartObject();
      w.Key("tenant_id");
      json::WriteString(w, tenant.external_id);
      w.Key("reports");
      w.StartArray();
      for (const service::EvalReport& report : reports.value()) {
        StartReportObject(w, report);
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
      return Json(200, std::string(buffer.GetString(), buffer.GetSize()));
    });
  });
  router.Add(
      "GET", "/v1/admin/tenants/{tenant_id}/reports/{report_id}", [&auth, &admin](HttpRequest& r) {
        return Admin(auth, admin, r, "viewer", [&](const TenantRef& tenant, const service::Actor&) {
          auto report = admin.Report(tenant, r.PathParam("report_id"));
          if (!report.ok()) return StatusProblem(report.status(), r);
          return ReportResponse(report.value(), r);
        });
      });
}

}  // namespace

bool HasRole(const Caller& caller, std::string_view role) {
  return service::GrantsRole(caller.roles, role);
}

void AddAdminRoutes(Router& router, const Authenticator& auth, const service::AdminService& admin,
                    const service::RecommendService& recommend) {
  router.Add("POST", "/v1/admin/tenants/{tenant_id}/rules/dry-run",
             [&auth, &admin, &recommend](HttpRequest& r) {
               return Admin(auth, admin, r, "operator",
                            [&](const TenantRef& tenant, const service::Actor&) {
                              return DryRunResponse(recommend, tenant, r);
                            });
             });
  AddDocumentRoutes(router, auth, admin, DocKind::kConfig);
  AddDocumentRoutes(router, auth, admin, DocKind::kRules);
  AddReportRoutes(router, auth, admin);
  AddSignalVersionRoutes(router, auth, admin);
  router.Add("GET", "/v1/admin/tenants/{tenant_id}/audit", [&auth, &admin](HttpRequest& r) {
    return Admin(auth, admin, r, "viewer", [&](const TenantRef& tenant, const service::Actor&) {
      auto page =
          admin.Audit(tenant, r.QueryParam("limit"), r.QueryParam("before"),
                      r.QueryParam("before_id"), r.QueryParam("action"), r.QueryParam("actor"));
      if (!page.ok()) return StatusProblem(page.status(), r);
      return Json(200, std::move(page).value());
    });
  });
  router.Add("POST", "/v1/admin/tenants/{tenant_id}/cache/invalidate",
             [&auth, &admin](HttpRequest& r) {
               return Admin(auth, admin, r, "operator",
                            [&](const TenantRef& tenant, const service::Actor& a) {
                              auto done = admin.Invalidate(tenant, r.body, a);
                              if (!done.ok()) return StatusProblem(done.status(), r);
                              const service::Invalidation& inv = done.value();
                              rapidjson::StringBuffer buffer;
                              Writer w(buffer);
                              w.StartObject();
                              w.Key("tenant_id");
                              json::WriteString(w, tenant.external_id);
                              w.Key("targets");
                              json::WriteStringArray(w, inv.targets);
                              if (!inv.surface.empty()) {
                                w.Key("surface");
                                json::WriteString(w, inv.surface);
                              }
                              w.Key("status");
                              w.String("requested");
                              w.Key("event_id");
                              w.Int64(inv.event_id);
                              w.Key("invalidated");
                              w.StartObject();
                              for (const auto& [target, count] : inv.invalidated) {
                                w.Key(target.c_str());
                                w.Int(count);
                              }
                              w.EndObject();
                              w.EndObject();
                              return Json(200, std::string(buffer.GetString(), buffer.GetSize()));
                            });
             });
}

}  // namespace recsys::http
