#include "http/data_routes.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json_writer.h"
#include "http/admin_routes.h"
#include "http/problem.h"

namespace recsys::http {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteRejections(Writer& w, const std::vector<Rejection>& rejected) {
  w.Key("rejected");
  w.StartArray();
  for (const Rejection& r : rejected) {
    w.StartObject();
    w.Key("index");
    w.Int(r.index);
    w.Key("code");
    json::WriteString(w, r.code);
    w.Key("detail");
    json::WriteString(w, r.detail);
    w.EndObject();
  }
  w.EndArray();
}

// Authenticates and resolves the tenant; on success calls `handle(tenant, caller)`. With a
// non-empty `role`, the caller must hold it. `json_body`: the Content-Type must be JSON.
template <typename Handle>
HttpResponse WithTenant(const Authenticator& auth, HttpRequest& request, std::string_view role,
                        bool json_body, Handle&& handle) {
  auto caller = auth.Authenticate(request);
  if (!caller.ok()) return StatusProblem(caller.status(), request);
  const Caller& who = caller.value();
  auto tenant = ResolveTenant(request, who);
  if (!tenant.ok()) return StatusProblem(tenant.status(), request);
  if (!role.empty() && !HasRole(who, role)) {
    return StatusProblem(Status::PermissionDenied("this needs the " + std::string(role) + " role"),
                         request);
  }
  if (json_body && !IsJsonContentType(request.Header("Content-Type"))) {
    return StatusProblem(Status::InvalidArgument("Content-Type must be application/json"), request);
  }
  return handle(tenant.value(), who);
}

service::Actor ActorOf(const Caller& who, const HttpRequest& request) {
  return {who.subject, who.type, request.request_id, std::string(request.remote_ip),
          std::string(request.Header("User-Agent"))};
}

HttpResponse PostEvents(const Authenticator& auth, const service::IngestService& ingest,
                        HttpRequest& request) {
  return WithTenant(auth, request, "", true, [&](const std::string& tenant, const Caller&) {
    auto result = ingest.Handle(tenant, request.body);
    if (!result.ok()) return StatusProblem(result.status(), request);
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("accepted");
    w.Int(result.value().accepted);
    w.Key("duplicates");
    w.Int(result.value().duplicates);
    WriteRejections(w, result.value().rejected);
    w.EndObject();
    return Json(202, std::string(buffer.GetString(), buffer.GetSize()));
  });
}

HttpResponse PutCatalogItems(const Authenticator& auth, const service::CatalogService& catalog,
                             HttpRequest& request) {
  return WithTenant(auth, request, "operator", true,
                    [&](const std::string& tenant, const Caller& who) {
                      auto result = catalog.Put(tenant, request.body, ActorOf(who, request));
                      if (!result.ok()) return StatusProblem(result.status(), request);
                      rapidjson::StringBuffer buffer;
                      Writer w(buffer);
                      w.StartObject();
                      w.Key("upserted");
                      w.Int(result.value().upserted);
                      WriteRejections(w, result.value().rejected);
                      w.EndObject();
                      return Json(200, std::string(buffer.GetString(), buffer.GetSize()));
                    });
}

HttpResponse DeleteCatalogItem(const Authenticator& auth, const service::CatalogService& catalog,
                               HttpRequest& request) {
  return WithTenant(auth, request, "operator", false,
                    [&](const std::string& tenant, const Caller& who) {
                      std::string ns = request.QueryParam("namespace");
                      if (ns.empty()) ns = "default";
                      const std::string item_id(request.PathParam("item_id"));
                      Status removed = catalog.Remove(tenant, item_id, ns, ActorOf(who, request));
                      if (!removed.ok()) return StatusProblem(removed, request);
                      rapidjson::StringBuffer buffer;
                      Writer w(buffer);
                      w.StartObject();
                      w.Key("item_id");
                      json::WriteString(w, item_id);
                      w.Key("namespace");
                      json::WriteString(w, ns);
                      w.Key("removed");
                      w.Bool(true);
                      w.EndObject();
                      return Json(200, std::string(buffer.GetString(), buffer.GetSize()));
                    });
}

}  // namespace

void AddDataRoutes(Router& router, const Authenticator& auth, const service::IngestService& ingest,
                   const service::CatalogService& catalog) {
  router.Add("POST", "/v1/events",
             [&auth, &ingest](HttpRequest& r) { return PostEvents(auth, ingest, r); });
  router.Add("PUT", "/v1/catalog/items",
             [&auth, &catalog](HttpRequest& r) { return PutCatalogItems(auth, catalog, r); });
  router.Add("DELETE", "/v1/catalog/items/{item_id}",
             [&auth, &catalog](HttpRequest& r) { return DeleteCatalogItem(auth, catalog, r); });
}

}  // namespace recsys::http
