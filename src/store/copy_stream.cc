#include "store/copy_stream.h"

#include <vector>

namespace recsys::store {
namespace {

// Decodes one COPY text line into fields, unescaping into `storage`.
void SplitRow(std::string_view line, std::string& storage, std::vector<std::string_view>& fields,
              std::vector<char>& nulls) {
  storage.clear();
  storage.reserve(line.size());
  std::vector<size_t> starts;
  nulls.clear();
  size_t start = 0;
  bool null_marker = false;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == '\t') {
      starts.push_back(start);
      nulls.push_back(null_marker ? 1 : 0);
      start = storage.size();
      null_marker = false;
      continue;
    }
    const char c = line[i];
    if (c == '\\' && i + 1 < line.size()) {
      const char n = line[++i];
      switch (n) {
        case 't':
          storage.push_back('\t');
          break;
        case 'n':
          storage.push_back('\n');
          break;
        case 'r':
          storage.push_back('\r');
          break;
        case 'N':
          null_marker = true;
          break;
        default:
          storage.push_back(n);
      }
    } else {
      storage.push_back(c);
    }
  }
  starts.push_back(storage.size());
  fields.clear();
  for (size_t f = 0; f + 1 < starts.size(); ++f) {
    fields.emplace_back(storage.data() + starts[f], starts[f + 1] - starts[f]);
  }
}

}  // namespace

Status StreamCopyOut(PgConnection& conn, const std::string& copy_sql,
                     const std::function<void(const CopyRow&)>& on_row) {
  PGresult* start = PQexec(conn.raw(), copy_sql.c_str());
  if (PQresultStatus(start) != PGRES_COPY_OUT) {
    std::string message = PQresultErrorMessage(start);
    PQclear(start);
    if (PQstatus(conn.raw()) != CONNECTION_OK) return Status::Unavailable("copy: " + message);
    return Status::Internal("copy: " + message);
  }
  PQclear(start);
  std::string storage;
  std::vector<std::string_view> fields;
  std::vector<char> nulls;
  for (;;) {
    char* buffer = nullptr;
    const int length = PQgetCopyData(conn.raw(), &buffer, /*async=*/0);
    if (length == -1) break;  // done
    if (length == -2) {
      return Status::Unavailable(std::string("copy: ") + PQerrorMessage(conn.raw()));
    }
    std::string_view line(buffer, static_cast<size_t>(length));
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    SplitRow(line, storage, fields, nulls);
    PQfreemem(buffer);
    on_row(CopyRow{fields, nulls});
  }
  PGresult* end = PQgetResult(conn.raw());
  Status status = PQresultStatus(end) == PGRES_COMMAND_OK
                      ? Status::Ok()
                      : Status::Internal(std::string("copy: ") + PQresultErrorMessage(end));
  PQclear(end);
  while (PGresult* extra = PQgetResult(conn.raw())) PQclear(extra);
  return status;
}

Status CopyIn(PgConnection& conn, const std::string& copy_sql, std::string_view data) {
  PGconn* raw = conn.raw();
  PGresult* start = PQexec(raw, copy_sql.c_str());
  const bool in_copy = PQresultStatus(start) == PGRES_COPY_IN;
  const std::string start_error = in_copy ? "" : PQresultErrorMessage(start);
  PQclear(start);
  if (!in_copy) {
    if (PQstatus(raw) != CONNECTION_OK) return Status::Unavailable("copy: " + start_error);
    return Status::Internal("copy: " + start_error);
  }
  if (PQputCopyData(raw, data.data(), static_cast<int>(data.size())) != 1 ||
      PQputCopyEnd(raw, nullptr) != 1) {
    return Status::Unavailable(std::string("copy: ") + PQerrorMessage(raw));
  }
  PGresult* end = PQgetResult(raw);
  Status status = Status::Ok();
  if (PQresultStatus(end) != PGRES_COMMAND_OK) {
    const std::string message = std::string("copy: ") + PQresultErrorMessage(end);
    status = PQstatus(raw) != CONNECTION_OK ? Status::Unavailable(message)
                                            : Status::InvalidArgument(message);
  }
  PQclear(end);
  while (PGresult* extra = PQgetResult(raw)) PQclear(extra);
  return status;
}

void AppendCopyEscaped(std::string& out, std::string_view value) {
  // Runs without a character to escape (nearly all of a JSON value) are appended whole.
  out.reserve(out.size() + value.size());
  size_t run = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    char escaped;
    switch (value[i]) {
      case '\\':
        escaped = '\\';
        break;
      case '\t':
        escaped = 't';
        break;
      case '\n':
        escaped = 'n';
        break;
      case '\r':
        escaped = 'r';
        break;
      default:
        continue;
    }
    out.append(value.data() + run, i - run);
    out.push_back('\\');
    out.push_back(escaped);
    run = i + 1;
  }
  out.append(value.data() + run, value.size() - run);
}

std::string QuoteLiteral(PgConnection& conn, std::string_view value) {
  char* quoted = PQescapeLiteral(conn.raw(), value.data(), value.size());
  std::string out = quoted ? quoted : "NULL";
  PQfreemem(quoted);
  return out;
}

}  // namespace recsys::store
