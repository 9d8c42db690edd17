// A thin, owning wrapper over a libpq connection and its results.
//
// PgConnection is move-only and NOT thread-safe: use one per thread. Every call returns errors as
// values; a lost connection shows up as StatusCode::kUnavailable so that callers can retry or
// reconnect. SQL parameters are sent as text ($1, $2, ...); std::nullopt sends NULL.
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/connection_defaults.h"

namespace recsys::store {

class PgResult {
 public:
  explicit PgResult(PGresult* result) : result_(result, &PQclear) {}

  int rows() const { return PQntuples(result_.get()); }
  int columns() const { return PQnfields(result_.get()); }
  bool IsNull(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
  // The text value of a cell; empty for NULL. REQUIRES: row < rows(), col < columns().
  std::string_view Get(int row, int col) const {
    return {PQgetvalue(result_.get(), row, col),
            static_cast<size_t>(PQgetlength(result_.get(), row, col))};
  }
  // Number of rows an INSERT/UPDATE/DELETE touched.
  long AffectedRows() const;

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

using PgParam = std::optional<std::string>;

class PgConnection {
 public:
  // Connects with `url` (a libpq URL or key=value string). Fails with kUnavailable when the server
  // cannot be reached within `connect_timeout_s` seconds. `server_options`, when not empty, is
  // libpq's "options" (e.g. "-c statement_timeout=5000") and replaces any the URL has.
  static Result<PgConnection> Connect(const std::string& url,
                                      int connect_timeout_s = kCommandConnectTimeoutS,
                                      const std::string& server_options = "");

  PgConnection(PgConnection&&) noexcept = default;
  PgConnection& operator=(PgConnection&&) noexcept = default;

  // Runs one or more ';'-separated statements with no parameters (simple query protocol).
  Status Exec(std::string_view sql);
  // Runs one statement with text parameters and returns its rows.
  Result<PgResult> Query(const std::string& sql, const std::vector<PgParam>& params = {});

  // Runs one statement with text parameters followed by `blob`, bound in binary (a bytea needs no
  // escaping or hex that way).
  Status ExecWithBlob(const std::string& sql, const std::vector<PgParam>& params,
                      std::string_view blob);
  // Runs a query whose first column is a bytea, fetched in binary one row at a time (memory for
  // one row, not the whole result), and calls `each` with every row's bytes in order.
  Status ReadBlobs(const std::string& sql, const std::vector<PgParam>& params,
                   const std::function<void(std::string_view)>& each);

  // Whether the connection is still usable (libpq's view; a dead server is seen on the next call).
  bool IsHealthy() const { return PQstatus(conn_.get()) == CONNECTION_OK; }
  PGconn* raw() { return conn_.get(); }

 private:
  explicit PgConnection(PGconn* conn) : conn_(conn, &PQfinish) {}
  Status ErrorStatus(const PGresult* result) const;
  // Ok when `raw` is a finished command or query, else its error; clears `raw` either way.
  Status CommandStatus(PGresult* raw) const;

  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
};

// One connection opened on first use and reopened after it was lost or dropped. For long-lived
// components that each own a connection. Not thread-safe.
class ReconnectingConnection {
 public:
  ReconnectingConnection(std::string url, int connect_timeout_s, std::string server_options = "")
      : url_(std::move(url)),
        timeout_s_(connect_timeout_s),
        server_options_(std::move(server_options)) {}

  // The open connection, connecting first when needed.
  Result<PgConnection*> Get();
  // Drops the connection (after an error that may have left it unusable).
  void Reset() { conn_.reset(); }
  // Points later connections at `url`; drops the open one when it is elsewhere (a read moving
  // between a standby and the primary, store/read_endpoint.h).
  void SetUrl(const std::string& url) {
    if (url == url_) return;
    url_ = url;
    conn_.reset();
  }
  const std::string& url() const { return url_; }

 private:
  std::string url_;
  int timeout_s_;
  std::string server_options_;
  std::optional<PgConnection> conn_;
};

// Quotes an identifier for SQL text (uses libpq's escaping rules).
std::string QuoteIdentifier(PgConnection& conn, std::string_view name);

// Runs `body` in a read-only transaction as role recsys_reader with app.tenant_id set to
// `tenant_id` (a uuid), so that row-level security hides every other tenant's rows even if a
// query forgot its tenant filter. Returns body's error, else the commit's.
Status InTenantReadTransaction(PgConnection& conn, const std::string& tenant_id,
                               const std::function<Status(PgConnection&)>& body);

}  // namespace recsys::store
