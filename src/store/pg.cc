#include "store/pg.h"
#include "core/parse_number.h"

#include <cstdlib>

namespace recsys::store {

long PgResult::AffectedRows() const {
  const char* n = PQcmdTuples(result_.get());
  return n ? static_cast<long>(ParseInt64(n).value_or(0)) : 0;
}

Result<PgConnection> PgConnection::Connect(const std::string& url, int connect_timeout_s,
                                           const std::string& server_options) {
  // Pass settings as separate keywords so that they work for URLs and key=value strings alike.
  const std::string timeout = std::to_string(connect_timeout_s);
  const char* keys[] = {"dbname", "connect_timeout", "application_name",
                        server_options.empty() ? nullptr : "options", nullptr};
  const char* values[] = {url.c_str(), timeout.c_str(), "recsys-service", server_options.c_str(),
                          nullptr};
  PGconn* raw = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  PgConnection conn(raw);
  if (raw == nullptr) return Status::Internal("libpq could not allocate a connection");
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string message = PQerrorMessage(raw);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    return Status::Unavailable("cannot connect to PostgreSQL: " + message);
  }
  PQsetNoticeProcessor(
      raw, [](void*, const char*) {}, nullptr);
  return conn;
}

Status PgConnection::ErrorStatus(const PGresult* result) const {
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn_.get());
  while (!message.empty() && message.back() == '\n') message.pop_back();
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    return Status::Unavailable("PostgreSQL connection lost: " + message);
  }
  return Status::Internal(message);
}

namespace {

// libpq's view of text parameters: a pointer each, null for SQL NULL.
std::vector<const char*> ParamValues(const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  values.reserve(params.size() + 1);
  for (const PgParam& p : params) values.push_back(p ? p->c_str() : nullptr);
  return values;
}

}  // namespace

Status PgConnection::CommandStatus(PGresult* raw) const {
  const ExecStatusType st = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  Status status =
      (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? Status::Ok() : ErrorStatus(raw);
  PQclear(raw);
  return status;
}

Status PgConnection::Exec(std::string_view sql) {
  const std::string text(sql);
  return CommandStatus(PQexec(conn_.get(), text.c_str()));
}

Status PgConnection::ExecWithBlob(const std::string& sql, const std::vector<PgParam>& params,
                                  std::string_view blob) {
  std::vector<const char*> values = ParamValues(params);
  values.push_back(blob.data());
  std::vector<int> lengths(values.size(), 0), formats(values.size(), 0);
  lengths.back() = static_cast<int>(blob.size());
  formats.back() = 1;
  return CommandStatus(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()),
                                    nullptr, values.data(), lengths.data(), formats.data(), 0));
}

Status PgConnection::ReadBlobs(const std::string& sql, const std::vector<PgParam>& params,
                               const std::function<void(std::string_view)>& each) {
  const std::vector<const char*> values = ParamValues(params);
  if (!PQsendQueryParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                         values.data(), nullptr, nullptr, /*resultFormat=*/1) ||
      !PQsetSingleRowMode(conn_.get())) {
    return ErrorStatus(nullptr);
  }
  Status status = Status::Ok();
  // Every result is read, also after an error, so the connection is ready for the next query.
  while (PGresult* raw = PQgetResult(conn_.get())) {
    const ExecStatusType st = PQresultStatus(raw);
    if (st == PGRES_SINGLE_TUPLE && status.ok()) {
      each({PQgetvalue(raw, 0, 0), static_cast<size_t>(PQgetlength(raw, 0, 0))});
    } else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && status.ok()) {
      status = ErrorStatus(raw);
    }
    PQclear(raw);
  }
  return status;
}

Result<PgResult> PgConnection::Query(const std::string& sql, const std::vector<PgParam>& params) {
  const std::vector<const char*> values = ParamValues(params);
  PGresult* raw = PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(params.size()), nullptr,
                               values.data(), nullptr, nullptr, /*resultFormat=*/0);
  ExecStatusType st = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    Status error = ErrorStatus(raw);
    PQclear(raw);
    return error;
  }
  return PgResult(raw);
}

Result<PgConnection*> ReconnectingConnection::Get() {
  if (conn_ && conn_->IsHealthy()) return &*conn_;
  conn_.reset();
  auto conn = PgConnection::Connect(url_, timeout_s_, server_options_);
  if (!conn.ok()) return conn.status();
  conn_.emplace(std::move(conn).value());
  return &*conn_;
}

std::string QuoteIdentifier(PgConnection& conn, std::string_view name) {
  char* quoted = PQescapeIdentifier(conn.raw(), name.data(), name.size());
  std::string out = quoted ? quoted : "";
  PQfreemem(quoted);
  return out;
}

Status InTenantReadTransaction(PgConnection& conn, const std::string& tenant_id,
                               const std::function<Status(PgConnection&)>& body) {
  RETURN_IF_ERROR(conn.Exec("BEGIN READ ONLY; SET LOCAL ROLE recsys_reader"));
  Status s = conn.Query("SELECT set_config('app.tenant_id', $1, true)", {tenant_id}).status();
  if (s.ok()) s = body(conn);
  const Status end = conn.Exec(s.ok() ? "COMMIT" : "ROLLBACK");
  return s.ok() ? end : s;
}

}  // namespace recsys::store
