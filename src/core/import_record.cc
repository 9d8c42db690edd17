#include "core/import_record.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/parse_number.h"
#include "core/strict_json.h"

namespace recsys {
namespace {

constexpr const char* kEventFields[] = {
    "event_id",   "occurred_at", "user_id", "anonymous_id", "session_id", "event_type", "item_id",
    "request_id", "surface",     "segment", "position",     "value",      "meta"};
constexpr const char* kCatalogFields[] = {"item_id", "namespace", "tags",
                                          "price",   "available", "created_at"};

bool IsField(ImportKind kind, std::string_view name) {
  if (kind == ImportKind::kEvents) {
    return std::find(std::begin(kEventFields), std::end(kEventFields), name) !=
           std::end(kEventFields);
  }
  return std::find(std::begin(kCatalogFields), std::end(kCatalogFields), name) !=
         std::end(kCatalogFields);
}

Result<std::vector<std::pair<std::string, std::string>>> ParsePairs(ImportKind kind,
                                                                    std::string_view text,
                                                                    const char* option) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Status::InvalidArgument(std::string(option) + ": want field=value, got \"" +
                                     std::string(item) + "\"");
    }
    const std::string field(item.substr(0, eq));
    if (!IsField(kind, field)) {
      return Status::InvalidArgument(std::string(option) + ": unknown field \"" + field + "\"");
    }
    pairs.emplace_back(field, std::string(item.substr(eq + 1)));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return pairs;
}

}  // namespace

Result<FieldMapping> ParseFieldMapping(ImportKind kind, std::string_view map,
                                       std::string_view set) {
  FieldMapping mapping;
  auto renames = ParsePairs(kind, map, "--map");
  if (!renames.ok()) return renames.status();
  auto constants = ParsePairs(kind, set, "--set");
  if (!constants.ok()) return constants.status();
  mapping.renames = std::move(renames).value();
  mapping.constants = std::move(constants).value();
  return mapping;
}

Status RecordConverter::SetCsvHeader(const std::vector<std::string>& header) {
  header_width_ = header.size();
  columns_.clear();
  auto column_of = [&](const std::string& name) -> std::optional<size_t> {
    for (size_t c = 0; c < header.size(); ++c) {
      if (header[c] == name) return c;
    }
    return std::nullopt;
  };
  for (const auto& [field, column] : mapping_.renames) {
    auto c = column_of(column);
    if (!c)
      return Status::InvalidArgument("--map " + field + "=" + column + ": no column \"" + column +
                                     "\" in the header");
    columns_.emplace_back(field, *c);
  }
  for (size_t c = 0; c < header.size(); ++c) {
    const bool renamed = std::any_of(mapping_.renames.begin(), mapping_.renames.end(),
                                     [&](const auto& r) { return r.first == header[c]; });
    if (IsField(kind_, header[c]) && !renamed) columns_.emplace_back(header[c], c);
  }
  return Status::Ok();
}

void RecordConverter::SetField(rapidjson::Document& doc, const std::string& field,
                               std::string_view text) const {
  auto& alloc = doc.GetAllocator();
  rapidjson::Value name(field.c_str(), static_cast<rapidjson::SizeType>(field.size()), alloc);
  rapidjson::Value value;
  if (field == "position" || field == "value" || field == "price") {
    if (auto number = ParseFiniteDouble(text)) {
      if (field == "position" && *number == std::floor(*number) && std::fabs(*number) < 1e15) {
        value.SetInt64(static_cast<int64_t>(*number));
      } else {
        value.SetDouble(*number);
      }
    }
  } else if (field == "available") {
    if (text == "true" || text == "1") value.SetBool(true);
    if (text == "false" || text == "0") value.SetBool(false);
  } else if (field == "tags") {
    value.SetArray();
    while (!text.empty()) {
      const size_t bar = text.find('|');
      const std::string_view tag = text.substr(0, bar);
      value.PushBack(
          rapidjson::Value(tag.data(), static_cast<rapidjson::SizeType>(tag.size()), alloc), alloc);
      text = bar == std::string_view::npos ? std::string_view() : text.substr(bar + 1);
    }
  } else if (field == "meta") {
    rapidjson::Document meta(&alloc);
    meta.Parse(text.data(), text.size());
    if (!meta.HasParseError()) value.CopyFrom(meta, alloc);
  }
  if (value.IsNull()) {
    value.SetString(text.data(), static_cast<rapidjson::SizeType>(text.size()), alloc);
  }
  doc.RemoveMember(name);
  doc.AddMember(name, value, alloc);
}

Result<rapidjson::Document> RecordConverter::FromCsv(const std::vector<std::string>& fields) const {
  if (fields.size() != header_width_) {
    return Status::InvalidArgument("record has " + std::to_string(fields.size()) +
                                   " fields, the header " + std::to_string(header_width_));
  }
  rapidjson::Document doc;
  doc.SetObject();
  for (const auto& [field, column] : columns_) {
    if (!fields[column].empty()) SetField(doc, field, fields[column]);
  }
  for (const auto& [field, text] : mapping_.constants) SetField(doc, field, text);
  return doc;
}

Result<rapidjson::Document> RecordConverter::FromJsonLine(std::string_view line) const {
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseStrictJsonObject(line, &doc, "line"));
  auto& alloc = doc.GetAllocator();
  for (const auto& [field, key] : mapping_.renames) {
    auto it = doc.FindMember(key.c_str());
    if (it == doc.MemberEnd()) continue;
    rapidjson::Value value(it->value, alloc);
    doc.RemoveMember(field.c_str());
    doc.AddMember(rapidjson::Value(field.c_str(), alloc), value, alloc);
  }
  for (const auto& [field, text] : mapping_.constants) SetField(doc, field, text);
  return doc;
}

}  // namespace recsys
