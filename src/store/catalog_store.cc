#include "store/catalog_store.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json_writer.h"
#include "store/change_notice.h"
#include "store/sql_values.h"

namespace recsys::store {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// The items as a JSON array for jsonb_to_recordset.
std::string ItemsJson(std::span<const CatalogItem> items) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartArray();
  for (const CatalogItem& item : items) {
    w.StartObject();
    w.Key("item_id");
    json::WriteString(w, item.item_id);
    w.Key("namespace");
    json::WriteString(w, item.ns);
    w.Key("tags");
    json::WriteStringArray(w, item.tags);
    if (item.price) {
      w.Key("price");
      w.Double(*item.price);
    }
    w.Key("available");
    w.Bool(item.available);
    if (item.created_at) {
      w.Key("created_at");
      json::WriteString(w, FormatRfc3339(*item.created_at));
    }
    w.EndObject();
  }
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Writes the audit row and the change notice of a catalog call.
Status AuditAndNotify(PgConnection& conn, const service::CatalogTenant& tenant,
                      const std::string& action, const std::string& entity_id,
                      const std::string& extra_json, const service::Actor& actor) {
  auto audited = conn.Query(
      "INSERT INTO audit_log (tenant_id, actor_sub, actor_type, action, entity_type, entity_id, "
      "request_id, ip, user_agent, extra) "
      "VALUES ($1, $2, $3, $4, 'catalog', $5, $6::uuid, $7::inet, $8, $9::jsonb)",
      {tenant.id, actor.subject, actor.type, action, OrNull(entity_id), OrNull(actor.request_id),
       OrNull(actor.ip), OrNull(actor.user_agent), extra_json});
  if (!audited.ok()) return audited.status();
  return SendChangeNotice(conn, {tenant.external_id, ChangeScope::kCatalog});
}

}  // namespace

Status PgCatalogStore::InTransaction(const std::function<Status(PgConnection&)>& body) {
  std::lock_guard<std::mutex> lock(mu_);
  auto conn = conn_.Get();
  if (!conn.ok()) return conn.status();
  PgConnection& c = *conn.value();
  Status status = c.Exec("BEGIN");
  if (status.ok()) status = body(c);
  if (status.ok()) status = c.Exec("COMMIT");
  if (!status.ok() && (!c.IsHealthy() || !c.Exec("ROLLBACK").ok())) conn_.Reset();
  return status;
}

Status PgCatalogStore::Upsert(const service::CatalogTenant& tenant,
                              std::span<const CatalogItem> items, int rejected,
                              const service::Actor& actor) {
  const std::string json = ItemsJson(items);
  return InTransaction([&](PgConnection& conn) {
    auto written = conn.Query(
        "INSERT INTO item_tags (tenant_id, namespace, item_id, tags, price, available, created_at) "
        "SELECT $1::uuid, x.namespace, x.item_id, x.tags, x.price, x.available, "
        "       coalesce(x.created_at, now()) "
        "FROM jsonb_to_recordset($2::jsonb) AS x(item_id text, namespace text, tags text[], "
        "     price numeric, available boolean, created_at timestamptz) "
        "ON CONFLICT (tenant_id, namespace, item_id) DO UPDATE SET tags = EXCLUDED.tags, "
        "  price = EXCLUDED.price, available = EXCLUDED.available",
        {tenant.id, json});
    if (!written.ok()) return written.status();
    const std::string extra = "{\"upserted\": " + std::to_string(items.size()) +
                              ", \"rejected\": " + std::to_string(rejected) + "}";
    return AuditAndNotify(conn, tenant, "catalog.upsert", "", extra, actor);
  });
}

Status PgCatalogStore::Remove(const service::CatalogTenant& tenant, const std::string& ns,
                              const std::string& item_id, const service::Actor& actor) {
  return InTransaction([&](PgConnection& conn) {
    auto written = conn.Query(
        "INSERT INTO item_tags (tenant_id, namespace, item_id, tags, available) "
        "VALUES ($1, $2, $3, '{}', false) "
        "ON CONFLICT (tenant_id, namespace, item_id) DO UPDATE SET tags = '{}', available = false",
        {tenant.id, ns, item_id});
    if (!written.ok()) return written.status();
    rapidjson::StringBuffer extra;
    Writer w(extra);
    w.StartObject();
    w.Key("namespace");
    json::WriteString(w, ns);
    w.EndObject();
    return AuditAndNotify(conn, tenant, "catalog.delete", item_id,
                          std::string(extra.GetString(), extra.GetSize()), actor);
  });
}

}  // namespace recsys::store
