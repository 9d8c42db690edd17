#include "http/signal_version_routes.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json_writer.h"
#include "http/admin_call.h"
#include "http/problem.h"

namespace recsys::http {
namespace {

using service::TenantRef;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// "pinned": the pin's object; left out when the tenant serves its newest build.
void WritePin(Writer& w, const service::SignalPin& pin) {
  if (pin.version == 0) return;
  w.Key("pinned");
  w.StartObject();
  json::WriteInt64Members(w, {{"version", pin.version}, {"newer_versions", pin.newer_versions}});
  json::WriteStringMembers(w, {{"pinned_at", pin.pinned_at}, {"pinned_by", pin.pinned_by}});
  w.EndObject();
}

void WriteVersion(Writer& w, const service::SignalVersionInfo& v) {
  w.StartObject();
  json::WriteInt64Members(w, {{"version", v.version}});
  json::WriteStringMembers(w, {{"built_at", v.built_at},
                               {"trigger", v.manifest.trigger},
                               {"built_by", v.manifest.built_by}});
  w.Key("days");
  json::WriteStringArray(w, v.manifest.days);
  if (!v.through_day.empty()) json::WriteStringMembers(w, {{"through_day", v.through_day}});
  json::WriteInt64Members(w, {{"events", v.manifest.events},
                              {"popularity_rows", v.manifest.popularity_rows},
                              {"covisit_rows", v.manifest.covisit_rows},
                              {"sequence_rows", v.manifest.sequence_rows},
                              {"items", v.items},
                              {"bytes", v.bytes}});
  w.Key("pinned");
  w.Bool(v.pinned);
  w.EndObject();
}

// {"tenant_id": ..., then what `body` writes}.
template <typename Body>
HttpResponse TenantJson(const TenantRef& tenant, Body&& body) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("tenant_id");
  json::WriteString(w, tenant.external_id);
  body(w);
  w.EndObject();
  return Json(200, std::string(buffer.GetString(), buffer.GetSize()));
}

}  // namespace

void AddSignalVersionRoutes(Router& router, const Authenticator& auth,
                            const service::AdminService& admin) {
  const std::string base = "/v1/admin/tenants/{tenant_id}/signals";
  router.Add("GET", base + "/versions", [&auth, &admin](HttpRequest& r) {
    return Admin(auth, admin, r, "viewer", [&](const TenantRef& tenant, const service::Actor&) {
      auto listed = admin.ListSignalVersions(tenant);
      if (!listed.ok()) return StatusProblem(listed.status(), r);
      return TenantJson(tenant, [&](Writer& w) {
        WritePin(w, listed.value().pin);
        w.Key("versions");
        w.StartArray();
        for (const service::SignalVersionInfo& v : listed.value().versions) WriteVersion(w, v);
        w.EndArray();
      });
    });
  });
  router.Add("POST", base + "/rollback", [&auth, &admin](HttpRequest& r) {
    return Admin(auth, admin, r, "operator", [&](const TenantRef& tenant, const service::Actor& a) {
      auto pin = admin.RollbackSignals(tenant, r.body, a);
      if (!pin.ok()) return StatusProblem(pin.status(), r);
      return TenantJson(tenant, [&](Writer& w) { WritePin(w, pin.value()); });
    });
  });
  router.Add("POST", base + "/unpin", [&auth, &admin](HttpRequest& r) {
    return Admin(auth, admin, r, "operator", [&](const TenantRef& tenant, const service::Actor& a) {
      auto removed = admin.UnpinSignals(tenant, a);
      if (!removed.ok()) return StatusProblem(removed.status(), r);
      return TenantJson(tenant, [&](Writer& w) {
        w.Key("unpinned");
        w.Bool(removed.value());
      });
    });
  });
}

}  // namespace recsys::http
