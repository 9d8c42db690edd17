#include "core/csv.h"

namespace recsys {

bool CsvRecordIsOpen(std::string_view text) {
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;  // a doubled quote toggles twice
  }
  return quoted;
}

Status SplitCsvRecord(std::string_view record, std::vector<std::string>* fields) {
  fields->clear();
  if (!record.empty() && record.back() == '\r') record.remove_suffix(1);
  std::string field;
  size_t i = 0;
  for (;;) {
    field.clear();
    const size_t column = fields->size() + 1;
    if (i < record.size() && record[i] == '"') {
      ++i;
      for (;;) {
        if (i >= record.size()) {
          return Status::InvalidArgument("column " + std::to_string(column) +
                                         ": unterminated quoted field");
        }
        if (record[i] == '"') {
          if (i + 1 < record.size() && record[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(record[i++]);
      }
      if (i < record.size() && record[i] != ',') {
        return Status::InvalidArgument("column " + std::to_string(column) +
                                       ": text after a closing quote");
      }
    } else {
      while (i < record.size() && record[i] != ',') {
        if (record[i] == '"') {
          return Status::InvalidArgument("column " + std::to_string(column) +
                                         ": quote inside an unquoted field");
        }
        field.push_back(record[i++]);
      }
    }
    fields->push_back(field);
    if (i >= record.size()) return Status::Ok();
    ++i;  // the comma
  }
}

}  // namespace recsys
