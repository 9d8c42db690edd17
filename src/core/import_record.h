// Turns one line of an import file (a CSV record or a JSON Lines object) into the JSON object that
// POST /v1/events or PUT /v1/catalog/items would carry, so that imports are validated by the very
// same ParseEvent / ParseCatalogItem (cli.md "Data in").
//
// CSV columns map onto API field names by header name, renamed with --map (field=Column) and
// completed with constants from --set (field=value). CSV text becomes the field's JSON type:
// numbers for position/value/price, a boolean for available ("true"/"false"/"1"/"0"), an array for
// tags ('|'-separated), an object for meta (JSON text); text that does not convert stays a string
// so validation names the field. An empty CSV field is absent. Pure; thread-safe after set-up.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace recsys {

enum class ImportKind { kEvents, kCatalog };

struct FieldMapping {
  std::vector<std::pair<std::string, std::string>> renames;    // API field -> source column/key
  std::vector<std::pair<std::string, std::string>> constants;  // API field -> value text
};

// Parses "--map a=B,c=D" and "--set e=f,g=h" (either may be empty). kInvalidArgument names the
// malformed pair or an unknown API field.
Result<FieldMapping> ParseFieldMapping(ImportKind kind, std::string_view map, std::string_view set);

class RecordConverter {
 public:
  RecordConverter(ImportKind kind, FieldMapping mapping)
      : kind_(kind), mapping_(std::move(mapping)) {}

  // CSV: takes the header row. kInvalidArgument when a --map column is not in it.
  Status SetCsvHeader(const std::vector<std::string>& header);
  // One CSV record. REQUIRES: SetCsvHeader succeeded. kInvalidArgument when the record has another
  // number of fields than the header.
  Result<rapidjson::Document> FromCsv(const std::vector<std::string>& fields) const;
  // One JSON Lines line. kInvalidArgument when it is not a JSON object.
  Result<rapidjson::Document> FromJsonLine(std::string_view line) const;

 private:
  void SetField(rapidjson::Document& doc, const std::string& field, std::string_view text) const;

  ImportKind kind_;
  FieldMapping mapping_;
  size_t header_width_ = 0;
  std::vector<std::pair<std::string, size_t>> columns_;  // API field -> column index
};

}  // namespace recsys
