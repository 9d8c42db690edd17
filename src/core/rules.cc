#include "core/rules.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>

#include "core/json_fields.h"
#include "core/strict_json.h"
#include "core/utf8.h"
#include "core/uuid.h"

namespace recsys {
namespace {

using json::Member;
using json::Value;

constexpr size_t kMaxRules = 1000;
constexpr size_t kMaxItemsPerRule = 1000;

Status Invalid(const std::string& path, const std::string& why) {
  return Status::InvalidArgument(path + ": " + why);
}

Status ReadTime(const Value& rule, const char* key, const std::string& path,
                std::optional<TimestampUs>* out) {
  std::string text;
  RETURN_IF_ERROR(json::ReadString(rule, key, path, &text));
  if (Member(rule, key) == nullptr) return Status::Ok();
  *out = ParseRfc3339(text);
  if (!*out) return Invalid(json::Join(path, key), "must be an RFC 3339 timestamp");
  return Status::Ok();
}

Status ParseAction(const Value& v, const std::string& path, Rule* rule) {
  std::string action;
  RETURN_IF_ERROR(json::ReadString(v, "action", path, &action));
  if (action == "pin")
    rule->action = RuleAction::kPin;
  else if (action == "block")
    rule->action = RuleAction::kBlock;
  else if (action == "boost")
    rule->action = RuleAction::kBoost;
  else
    return Invalid(path + ".action", "must be pin, block or boost");
  return Status::Ok();
}

// How much: a boost's value (required), a pin rule's limit.
Status ParseAmounts(const Value& v, const std::string& path, Rule* rule) {
  if (rule->action == RuleAction::kBoost) {
    if (Member(v, "boost_value") == nullptr)
      return Invalid(path + ".boost_value", "required for boost");
    RETURN_IF_ERROR(json::ReadNumber(v, "boost_value", path, -1e6, 1e6, &rule->boost_value));
  }
  return json::ReadInt(v, "max_pins", path, 1, 200, &rule->max_pins);
}

// item_ids: 1..kMaxItemsPerRule valid ids, de-duplicated in order.
Status ParseItemTarget(const Value& v, const std::string& path, Rule* rule) {
  const Value* items = Member(v, "item_ids");
  if (items == nullptr || !items->IsArray() || items->Empty()) {
    return Invalid(path + ".item_ids", "required: a non-empty array of item ids");
  }
  if (items->Size() > kMaxItemsPerRule) {
    return Invalid(path + ".item_ids", "at most " + std::to_string(kMaxItemsPerRule) + " ids");
  }
  for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
    const Value& id = (*items)[i];
    if (!id.IsString() || !IsValidId({id.GetString(), id.GetStringLength()})) {
      return Invalid(path + ".item_ids[" + std::to_string(i) + "]",
                     "must be a string of 1..256 printable characters");
    }
    std::string item(id.GetString(), id.GetStringLength());
    if (std::find(rule->item_ids.begin(), rule->item_ids.end(), item) == rule->item_ids.end()) {
      rule->item_ids.push_back(std::move(item));
    }
  }
  return Status::Ok();
}

Status ParseTarget(const Value& v, const std::string& path, Rule* rule) {
  std::string target;
  RETURN_IF_ERROR(json::ReadString(v, "target_type", path, &target));
  if (target == "item")
    rule->target = RuleTarget::kItem;
  else if (target == "tag")
    rule->target = RuleTarget::kTag;
  else if (target == "brand")
    rule->target = RuleTarget::kBrand;
  else if (target == "category")
    rule->target = RuleTarget::kCategory;
  else
    return Invalid(path + ".target_type", "must be item, tag, brand or category");
  if (rule->target == RuleTarget::kItem) return ParseItemTarget(v, path, rule);

  std::string key;
  RETURN_IF_ERROR(json::ReadString(v, "target_key", path, &key));
  key = NormalizeTag(key);
  if (key.empty() || key.size() > 256) {
    return Invalid(path + ".target_key", "required for tag, brand and category targets");
  }
  if (rule->target == RuleTarget::kTag)
    rule->tag = key;
  else if (rule->target == RuleTarget::kBrand)
    rule->tag = "brand:" + key;
  else
    rule->tag = "category:" + key;
  return Status::Ok();
}

// Where and when the rule applies: surface, segment, priority, enabled, validity window.
Status ParseScope(const Value& v, const std::string& path, Rule* rule) {
  RETURN_IF_ERROR(json::ReadString(v, "surface", path, &rule->surface));
  RETURN_IF_ERROR(json::ReadString(v, "segment", path, &rule->segment));
  RETURN_IF_ERROR(json::ReadInt(v, "priority", path, -1000000, 1000000, &rule->priority));
  RETURN_IF_ERROR(json::ReadBool(v, "enabled", path, &rule->enabled));
  RETURN_IF_ERROR(ReadTime(v, "valid_from", path, &rule->valid_from));
  RETURN_IF_ERROR(ReadTime(v, "valid_until", path, &rule->valid_until));
  if (rule->valid_from && rule->valid_until && *rule->valid_from >= *rule->valid_until) {
    return Invalid(path + ".valid_from", "must be before valid_until");
  }
  std::string comment;  // kept in the document only; checked for its type
  return json::ReadString(v, "comment", path, &comment);
}

Status ParseOne(const Value& v, const std::string& path, int index, Rule* rule) {
  if (!v.IsObject()) return Invalid(path, "must be an object");
  rule->index = index;
  RETURN_IF_ERROR(json::ReadString(v, "id", path, &rule->id));
  if (Member(v, "id") != nullptr && !IsValidId(rule->id)) {
    return Invalid(path + ".id", "must be 1..256 printable characters");
  }
  if (rule->id.empty()) rule->id = "rule-" + std::to_string(index);
  RETURN_IF_ERROR(ParseAction(v, path, rule));
  RETURN_IF_ERROR(ParseTarget(v, path, rule));
  RETURN_IF_ERROR(ParseAmounts(v, path, rule));
  return ParseScope(v, path, rule);
}

}  // namespace

std::string WithRuleIds(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsArray()) return std::string(json);
  for (auto& rule : doc.GetArray()) {
    if (!rule.IsObject() || Member(rule, "id") != nullptr) continue;
    const std::string id = NewUuidV4();
    rule.RemoveMember("id");  // a null id counts as none
    rule.AddMember("id", rapidjson::Value(id.c_str(), doc.GetAllocator()), doc.GetAllocator());
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 256) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f; }) &&
         IsValidUtf8(id);
}

std::string NormalizeTag(std::string_view tag) {
  size_t b = 0, e = tag.size();
  while (b < e && std::isspace(static_cast<unsigned char>(tag[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(tag[e - 1]))) --e;
  std::string out(tag.substr(b, e - b));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<std::vector<Rule>> ParseRules(std::string_view text) {
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseStrictJson(text, &doc, "rules"));
  if (!doc.IsArray()) return Status::InvalidArgument("rules: must be a JSON array");
  if (doc.Size() > kMaxRules) {
    return Status::InvalidArgument("rules: at most " + std::to_string(kMaxRules) + " rules");
  }
  std::vector<Rule> rules(doc.Size());
  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) {
    RETURN_IF_ERROR(
        ParseOne(doc[i], "rules[" + std::to_string(i) + "]", static_cast<int>(i), &rules[i]));
    for (rapidjson::SizeType j = 0; j < i; ++j) {
      if (rules[j].id == rules[i].id) {
        return Invalid("rules[" + std::to_string(i) + "].id",
                       "duplicates rules[" + std::to_string(j) + "].id");
      }
    }
  }
  return rules;
}

std::vector<const Rule*> ApplicableRules(const std::vector<Rule>& rules, std::string_view surface,
                                         std::string_view segment, TimestampUs now) {
  std::vector<const Rule*> out;
  for (const Rule& r : rules) {
    if (!r.enabled) continue;
    if (!r.surface.empty() && r.surface != surface) continue;
    if (!r.segment.empty() && r.segment != segment) continue;
    if (r.valid_from && now < *r.valid_from) continue;
    if (r.valid_until && now >= *r.valid_until) continue;
    out.push_back(&r);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Rule* a, const Rule* b) { return a->priority > b->priority; });
  return out;
}

}  // namespace recsys
