#include "store/copy_stream.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace recsys::store {

void SplitCopyLine(std::string_view line, std::string& storage,
                   std::vector<std::string_view>& fields, std::vector<char>& nulls) {
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
    SplitCopyLine(line, storage, fields, nulls);
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

namespace {

// The escape letter COPY text uses for c, or 0 when c goes as it is.
char EscapeLetter(char c) {
  switch (c) {
    case '\\':
      return '\\';
    case '\t':
      return 't';
    case '\n':
      return 'n';
    case '\r':
      return 'r';
    default:
      return 0;
  }
}

// Whether any of the 8 bytes in `word` may need escaping: a backslash, or a byte below 0x0e
// (tab, newline and CR are; the others below it are sorted out byte by byte). Exact as a yes/no
// (the classic has-zero-byte and has-less-than tests).
bool MayNeedEscape(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  const uint64_t below_0e = (word - kOnes * 0x0e) & ~word & kHighBits;
  const uint64_t backslash = word ^ (kOnes * static_cast<unsigned char>('\\'));
  const uint64_t is_backslash = (backslash - kOnes) & ~backslash & kHighBits;
  return (below_0e | is_backslash) != 0;
}

}  // namespace

void AppendCopyEscaped(std::string& out, std::string_view value) {
  // Nearly all of a JSON value needs no escape: it is checked 8 bytes at a time and appended in
  // runs.
  out.reserve(out.size() + value.size());
  const char* p = value.data();
  const char* const end = p + value.size();
  const char* run = p;
  while (p < end) {
    if (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, sizeof word);
      if (!MayNeedEscape(word)) {
        p += 8;
        continue;
      }
    }
    if (const char letter = EscapeLetter(*p); letter != 0) {
      out.append(run, static_cast<size_t>(p - run));
      out.push_back('\\');
      out.push_back(letter);
      run = p + 1;
    }
    ++p;
  }
  out.append(run, static_cast<size_t>(end - run));
}

void AppendCopyField(std::string& out, std::string_view value, char end, bool empty_is_null) {
  if (value.empty() && empty_is_null) {
    out += "\\N";
  } else {
    AppendCopyEscaped(out, value);
  }
  out.push_back(end);
}

std::string QuoteLiteral(PgConnection& conn, std::string_view value) {
  char* quoted = PQescapeLiteral(conn.raw(), value.data(), value.size());
  std::string out = quoted ? quoted : "NULL";
  PQfreemem(quoted);
  return out;
}

}  // namespace recsys::store
