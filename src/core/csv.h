// CSV records (RFC 4180): comma-separated, fields optionally in double quotes, a quote inside a
// quoted field doubled, line breaks allowed inside quotes. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace recsys {

// Whether `text` ends inside an open quoted field, i.e. the record continues on the next line.
bool CsvRecordIsOpen(std::string_view text);

// Splits one record (without its final line break) into fields, unquoting them. Errors:
// kInvalidArgument naming the column for a quote in the middle of an unquoted field, text after a
// closing quote, or an unterminated quote.
Status SplitCsvRecord(std::string_view record, std::vector<std::string>* fields);

}  // namespace recsys
