#include "store/copy_stream.h"

#include "store/binary_copy.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace recsys::store {

namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;

// Whether any of the 8 bytes in `word` equals `byte` (the classic has-zero-byte test on the XOR;
// exact as a yes/no).
bool HasByte(uint64_t word, unsigned char byte) {
  const uint64_t x = word ^ (kOnes * byte);
  return ((x - kOnes) & ~x & kHighBits) != 0;
}

// The first tab or backslash in [p, end), or end. Rows are mostly plain ids and numbers: they are
// checked 8 bytes at a time.
const char* FindTabOrBackslash(const char* p, const char* end) {
  for (; end - p >= 8; p += 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof word);
    if (HasByte(word, '\t') || HasByte(word, '\\')) break;
  }
  while (p < end && *p != '\t' && *p != '\\') ++p;
  return p;
}

// Unescapes the field that starts at `p` (at its first backslash; `storage` already holds the
// plain bytes before it) up to its tab or `end`. Returns where the field ends.
const char* UnescapeField(const char* p, const char* end, std::string& storage, bool& null_marker) {
  while (p < end && *p != '\t') {
    if (*p != '\\' || p + 1 == end) {  // a lone trailing backslash is kept as it is
      const char* run_end = p + 1 == end ? end : FindTabOrBackslash(p + 1, end);
      storage.append(p, static_cast<size_t>(run_end - p));
      p = run_end;
      continue;
    }
    switch (p[1]) {
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
        storage.push_back(p[1]);
    }
    p += 2;
  }
  return p;
}

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
  const uint64_t below_0e = (word - kOnes * 0x0e) & ~word & kHighBits;
  return below_0e != 0 || HasByte(word, '\\');
}

}  // namespace

void SplitCopyLine(std::string_view line, std::string& storage,
                   std::vector<std::string_view>& fields, std::vector<char>& nulls) {
  // Unescaping never lengthens a field, so this reserve keeps the views into storage valid.
  storage.clear();
  storage.reserve(line.size());
  fields.clear();
  nulls.clear();
  const char* p = line.data();
  const char* const end = p + line.size();
  for (;;) {
    const char* stop = FindTabOrBackslash(p, end);
    bool null_marker = false;
    if (stop == end || *stop == '\t') {
      fields.emplace_back(p, static_cast<size_t>(stop - p));  // no escape: a view into `line`
    } else {
      const size_t first = storage.size();
      storage.append(p, static_cast<size_t>(stop - p));
      stop = UnescapeField(stop, end, storage, null_marker);
      fields.emplace_back(storage.data() + first, storage.size() - first);
    }
    nulls.push_back(null_marker ? 1 : 0);
    if (stop == end) return;
    p = stop + 1;
  }
}

BinaryCopyMessage SplitBinaryCopyRow(std::string_view message, bool& header_pending,
                                     std::vector<std::string_view>& fields,
                                     std::vector<char>& nulls) {
  fields.clear();
  nulls.clear();
  const char* p = message.data();
  const char* const end = p + message.size();
  if (header_pending) {
    constexpr int kFixedHeader = 11 + 4 + 4;  // signature, flags, extension length
    if (end - p < kFixedHeader) return BinaryCopyMessage::kMalformed;
    p += kFixedHeader + ReadBigEndian({p + 15, 4});
    header_pending = false;
  }
  if (end - p < 2) return BinaryCopyMessage::kMalformed;
  const int64_t count = ReadBigEndian({p, 2});
  p += 2;
  if (count < 0) return BinaryCopyMessage::kTrailer;
  for (int64_t f = 0; f < count; ++f) {
    if (end - p < 4) return BinaryCopyMessage::kMalformed;
    const int64_t length = ReadBigEndian({p, 4});
    p += 4;
    if (length < 0) {
      fields.emplace_back();
      nulls.push_back(1);
      continue;
    }
    if (end - p < length) return BinaryCopyMessage::kMalformed;
    fields.emplace_back(p, static_cast<size_t>(length));
    nulls.push_back(0);
    p += length;
  }
  return p == end ? BinaryCopyMessage::kRow : BinaryCopyMessage::kMalformed;
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
  const bool binary = PQbinaryTuples(start) == 1;
  PQclear(start);
  bool header_pending = binary;
  bool malformed = false;
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
    if (binary) {
      switch (SplitBinaryCopyRow(line, header_pending, fields, nulls)) {
        case BinaryCopyMessage::kRow:
          on_row(CopyRow{fields, nulls});
          break;
        case BinaryCopyMessage::kTrailer:
          break;
        case BinaryCopyMessage::kMalformed:
          malformed = true;
      }
    } else {
      if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
      SplitCopyLine(line, storage, fields, nulls);
      on_row(CopyRow{fields, nulls});
    }
    PQfreemem(buffer);
  }
  PGresult* end = PQgetResult(conn.raw());
  Status status = PQresultStatus(end) == PGRES_COMMAND_OK
                      ? Status::Ok()
                      : Status::Internal(std::string("copy: ") + PQresultErrorMessage(end));
  PQclear(end);
  while (PGresult* extra = PQgetResult(conn.raw())) PQclear(extra);
  if (status.ok() && malformed) return Status::Internal("copy: a binary row does not parse");
  return status;
}

Status CopyIn(PgConnection& conn, const std::string& copy_sql, std::string_view data) {
  return CopyIn(conn, copy_sql, {data});
}

Status CopyIn(PgConnection& conn, const std::string& copy_sql,
              std::initializer_list<std::string_view> pieces) {
  PGconn* raw = conn.raw();
  PGresult* start = PQexec(raw, copy_sql.c_str());
  const bool in_copy = PQresultStatus(start) == PGRES_COPY_IN;
  const std::string start_error = in_copy ? "" : PQresultErrorMessage(start);
  PQclear(start);
  if (!in_copy) {
    if (PQstatus(raw) != CONNECTION_OK) return Status::Unavailable("copy: " + start_error);
    return Status::Internal("copy: " + start_error);
  }
  for (std::string_view piece : pieces) {
    if (!piece.empty() && PQputCopyData(raw, piece.data(), static_cast<int>(piece.size())) != 1) {
      return Status::Unavailable(std::string("copy: ") + PQerrorMessage(raw));
    }
  }
  if (PQputCopyEnd(raw, nullptr) != 1) {
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
