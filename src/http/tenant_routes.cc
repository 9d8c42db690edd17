#include "http/tenant_routes.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json_writer.h"
#include "http/admin_call.h"

namespace recsys::http {
namespace {

using service::TenantRef;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string Body(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

void WriteKey(Writer& w, const service::ApiKeyInfo& key) {
  w.StartObject();
  json::WriteStringMembers(w,
                           {{"id", key.id},
                            {"name", key.name},
                            {"prefix", key.prefix},
                            {"status", key.status},
                            {"created_at", key.created_at},
                            {"expires_at", key.expires_at},
                            {"last_used_at", key.last_used_at}},
                           /*omit_empty=*/true);
  w.Key("roles");
  json::WriteStringArray(w, key.roles);
  w.EndObject();
}

HttpResponse OverviewResponse(const service::TenantOverview& o) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("tenant_id");
  json::WriteString(w, o.tenant.external_id);
  w.Key("status");
  w.String(service::TenantStatusName(o.tenant.status));
  if (!o.config_etag.empty()) {
    w.Key("config_version");
    json::WriteString(w, o.config_etag);
  }
  if (!o.rules_etag.empty()) {
    w.Key("rules_version");
    json::WriteString(w, o.rules_etag);
  }
  if (o.signals_loaded_at > 0) {
    w.Key("signals_loaded_at");
    json::WriteString(w, FormatRfc3339(o.signals_loaded_at));
  }
  w.Key("warm_started");
  w.Bool(o.warm_started);
  w.Key("surfaces");
  w.StartArray();
  for (const auto& surface : o.surfaces) {
    w.StartObject();
    w.Key("surface");
    json::WriteString(w, surface.name);
    json::WriteInt64Members(w, {{"items", static_cast<int64_t>(surface.items)},
                                {"tags", static_cast<int64_t>(surface.tags)},
                                {"memory_bytes", static_cast<int64_t>(surface.memory_bytes)}});
    w.EndObject();
  }
  w.EndArray();
  w.Key("checks");
  w.StartArray();
  for (const service::DoctorCheck& c : o.checks) {
    w.StartObject();
    json::WriteStringMembers(
        w, {{"level", c.level}, {"name", c.name}, {"detail", c.detail}, {"fix", c.fix}},
        /*omit_empty=*/true);
    w.EndObject();
  }
  w.EndArray();
  w.Key("activity");
  w.StartObject();
  json::WriteInt64Members(w, {{"minutes", o.activity.minutes},
                              {"events", o.activity.events},
                              {"exposures", o.activity.exposures}});
  w.EndObject();
  w.EndObject();
  return Json(200, Body(buffer));
}

}  // namespace

void AddTenantRoutes(Router& router, const Authenticator& auth,
                     const service::AdminService& admin) {
  router.Add("GET", "/v1/admin/tenants/{tenant_id}/overview", [&auth, &admin](HttpRequest& r) {
    return Admin(auth, admin, r, "viewer", [&](const TenantRef& tenant, const service::Actor&) {
      auto overview = admin.Overview(tenant, r.QueryParam("surface"));
      if (!overview.ok()) return StatusProblem(overview.status(), r);
      return OverviewResponse(overview.value());
    });
  });
  router.Add("GET", "/v1/admin/tenants/{tenant_id}/keys", [&auth, &admin](HttpRequest& r) {
    return Admin(auth, admin, r, "admin", [&](const TenantRef& tenant, const service::Actor&) {
      auto keys = admin.Keys(tenant);
      if (!keys.ok()) return StatusProblem(keys.status(), r);
      rapidjson::StringBuffer buffer;
      Writer w(buffer);
      w.StartObject();
      w.Key("tenant_id");
      json::WriteString(w, tenant.external_id);
      w.Key("keys");
      w.StartArray();
      for (const service::ApiKeyInfo& key : keys.value()) WriteKey(w, key);
      w.EndArray();
      w.EndObject();
      return Json(200, Body(buffer));
    });
  });
  router.Add("POST", "/v1/admin/tenants/{tenant_id}/keys", [&auth, &admin](HttpRequest& r) {
    return Admin(auth, admin, r, "admin", [&](const TenantRef& tenant, const service::Actor& a) {
      auto created = admin.CreateKey(tenant, r.body, a);
      if (!created.ok()) return StatusProblem(created.status(), r);
      rapidjson::StringBuffer buffer;
      Writer w(buffer);
      w.StartObject();
      w.Key("key");  // shown this once; only its keyed hash is stored
      json::WriteString(w, created.value().key);
      w.Key("api_key");
      WriteKey(w, created.value().info);
      w.EndObject();
      return Json(201, Body(buffer));
    });
  });
  router.Add("DELETE", "/v1/admin/tenants/{tenant_id}/keys/{key_id}",
             [&auth, &admin](HttpRequest& r) {
               return Admin(auth, admin, r, "admin",
                            [&](const TenantRef& tenant, const service::Actor& a) {
                              auto revoked = admin.RevokeKey(tenant, r.PathParam("key_id"), a);
                              if (!revoked.ok()) return StatusProblem(revoked.status(), r);
                              rapidjson::StringBuffer buffer;
                              Writer w(buffer);
                              WriteKey(w, revoked.value());
                              return Json(200, Body(buffer));
                            });
             });
}

}  // namespace recsys::http
