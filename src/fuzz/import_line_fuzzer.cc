// libFuzzer target: the import line parsers: a CSV record (quoting, multi-line look-ahead) mapped
// onto API fields, and a JSON Lines object, for events and catalog items alike.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/csv.h"
#include "core/import_record.h"

namespace {

recsys::RecordConverter Converter(recsys::ImportKind kind, const std::vector<std::string>& header) {
  auto mapping = recsys::ParseFieldMapping(kind, "item_id=sku", "surface=home");
  recsys::RecordConverter converter(kind, mapping.ok() ? mapping.value() : recsys::FieldMapping{});
  (void)converter.SetCsvHeader(header);
  return converter;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<std::string> kEventHeader = {"occurred_at", "user_id", "event_type",
                                                        "sku",         "value",   "meta"};
  static const std::vector<std::string> kCatalogHeader = {"sku", "tags", "price", "available"};
  static const recsys::RecordConverter events =
      Converter(recsys::ImportKind::kEvents, kEventHeader);
  static const recsys::RecordConverter catalog =
      Converter(recsys::ImportKind::kCatalog, kCatalogHeader);
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  recsys::CsvRecordIsOpen(line);
  std::vector<std::string> fields;
  if (recsys::SplitCsvRecord(line, &fields).ok()) {
    if (fields.size() == kEventHeader.size()) (void)events.FromCsv(fields);
    if (fields.size() == kCatalogHeader.size()) (void)catalog.FromCsv(fields);
  }
  (void)events.FromJsonLine(line);
  (void)catalog.FromJsonLine(line);
  return 0;
}
