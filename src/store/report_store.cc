#include "store/report_store.h"

#include "core/uuid.h"
#include "store/sql_values.h"

namespace recsys::store {
namespace {

std::string Columns() {
  return "id::text, kind, title, " + UtcTimestampSql("created_at") + ", created_by, summary::text";
}

service::EvalReport ReportAt(const PgResult& r, int row) {
  service::EvalReport report;
  report.id = r.Get(row, 0);
  report.kind = r.Get(row, 1);
  report.title = r.Get(row, 2);
  report.created_at = r.Get(row, 3);
  report.created_by = r.Get(row, 4);
  report.summary_json = r.Get(row, 5);
  return report;
}

}  // namespace

Result<std::string> SaveReport(PgConnection& conn, const std::string& tenant_id,
                               const service::EvalReport& report, const std::string& actor) {
  const std::string id = NewUuidV4();
  RETURN_IF_ERROR(conn.Exec("BEGIN"));
  Status s = conn.Query(
                     "INSERT INTO eval_reports (id, tenant_id, kind, title, created_by, summary, "
                     "report, markdown, html) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, "
                     "$8, $9)",
                     {id, tenant_id, report.kind, report.title, actor, report.summary_json,
                      report.report_json, report.markdown, report.html})
                 .status();
  if (s.ok()) {
    s = conn.Query(
                "INSERT INTO audit_log (tenant_id, actor_sub, actor_type, action, entity_type, "
                "entity_id, after_state) VALUES ($1, $2, 'cli', 'report.create', 'report', $3, "
                "jsonb_build_object('kind', $4::text, 'title', $5::text, 'summary', $6::jsonb))",
                {tenant_id, actor, id, report.kind, report.title, report.summary_json})
            .status();
  }
  const Status end = conn.Exec(s.ok() ? "COMMIT" : "ROLLBACK");
  if (!s.ok()) return s;
  if (!end.ok()) return end;
  return id;
}

Result<std::vector<service::EvalReport>> ListReports(PgConnection& conn,
                                                     const std::string& tenant_id, int limit,
                                                     int offset) {
  auto r = conn.Query("SELECT " + Columns() +
                          " FROM eval_reports WHERE tenant_id = $1 "
                          "ORDER BY created_at DESC, id DESC LIMIT $2::int OFFSET $3::int",
                      {tenant_id, std::to_string(limit), std::to_string(offset)});
  if (!r.ok()) return r.status();
  std::vector<service::EvalReport> reports;
  for (int row = 0; row < r.value().rows(); ++row) reports.push_back(ReportAt(r.value(), row));
  return reports;
}

Result<std::optional<service::EvalReport>> FindReport(PgConnection& conn,
                                                      const std::string& tenant_id,
                                                      const std::string& id) {
  auto r = conn.Query("SELECT " + Columns() +
                          ", report::text, markdown, html FROM eval_reports "
                          "WHERE tenant_id = $1 AND id = $2::uuid",
                      {tenant_id, id});
  if (!r.ok()) return r.status();
  if (r.value().rows() == 0) return std::optional<service::EvalReport>();
  service::EvalReport report = ReportAt(r.value(), 0);
  report.report_json = r.value().Get(0, 6);
  report.markdown = r.value().Get(0, 7);
  report.html = r.value().Get(0, 8);
  return std::optional<service::EvalReport>(std::move(report));
}

}  // namespace recsys::store
