// Streams the rows of `COPY (query) TO STDOUT` (text format) to a callback, without holding the
// result in memory: the snapshot loader reads millions of rows this way in one round trip.
#pragma once

#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/pg.h"

namespace recsys::store {

// One row: a NULL field has is_null[i] != 0 and an empty view.
struct CopyRow {
  std::span<const std::string_view> fields;
  std::span<const char> is_null;
};

// Decodes one COPY text line (without its '\n') into its fields. A field without escapes is a view
// into `line`; one with escapes is unescaped into `storage` and viewed there, so the views are
// valid while both live. A NULL field (\N) has nulls[i] != 0 and an empty view.
void SplitCopyLine(std::string_view line, std::string& storage,
                   std::vector<std::string_view>& fields, std::vector<char>& nulls);

// Decodes one row message of a binary COPY stream (a field count, then each field's length and
// bytes; `header_pending` skips the stream's header before the first row and is cleared). Fields
// are views into `message` in the types' binary send forms.
enum class BinaryCopyMessage { kRow, kTrailer, kMalformed };
BinaryCopyMessage SplitBinaryCopyRow(std::string_view message, bool& header_pending,
                                     std::vector<std::string_view>& fields,
                                     std::vector<char>& nulls);

// Runs `copy_sql` (a "COPY ... TO STDOUT" statement, text or binary format) and calls `on_row`
// for each row, in order: text fields unescaped, binary fields as sent (SplitBinaryCopyRow).
// The views are valid only during the call. Errors: kUnavailable (connection), kInternal (the
// statement, or a binary stream that does not parse).
Status StreamCopyOut(PgConnection& conn, const std::string& copy_sql,
                     const std::function<void(const CopyRow&)>& on_row);

// Runs `copy_sql` (a "COPY ... FROM STDIN" statement) sending `data` (whole lines in text format,
// or a whole stream in binary format).
// Errors: kUnavailable when the connection is lost, kInvalidArgument when the server refuses the
// data (e.g. a malformed value), with PostgreSQL's message.
Status CopyIn(PgConnection& conn, const std::string& copy_sql, std::string_view data);
// The same, sending the concatenation of `pieces` without joining them first.
Status CopyIn(PgConnection& conn, const std::string& copy_sql,
              std::initializer_list<std::string_view> pieces);

// Appends `value` to `out` escaped for COPY text format (backslash, tab, newline, CR).
void AppendCopyEscaped(std::string& out, std::string_view value);

// Appends `value` as one field of a COPY text line, escaped and followed by `end` ('\t' between
// fields, '\n' after a line's last); an empty value is NULL (\N) when `empty_is_null`.
void AppendCopyField(std::string& out, std::string_view value, char end = '\t',
                     bool empty_is_null = true);

// Single-quotes a literal for SQL text (COPY cannot take parameters).
std::string QuoteLiteral(PgConnection& conn, std::string_view value);

}  // namespace recsys::store
