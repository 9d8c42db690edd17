#include "service/impact_preview.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json_fields.h"
#include "core/strict_json.h"

#include <algorithm>

namespace recsys::service {
namespace {

using json::Value;

std::string Text(const Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  value.Accept(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

Status ParseDrafts(const Value& body, PreviewRequest& out) {
  if (const Value* config = json::Member(body, "config")) {
    if (!config->IsObject()) return Status::InvalidArgument("config: must be a JSON object");
    out.config_json = Text(*config);
    auto parsed = ParseTenantConfig(*out.config_json);
    if (!parsed.ok()) {
      // The field path inside the body, as PUT .../config names it inside the document.
      return Status::Unprocessable("config." + parsed.status().message())
          .WithReason("RECSYS_INVALID_CONFIG");
    }
    out.config = std::move(parsed).value();
  }
  if (const Value* rules = json::Member(body, "rules")) {
    if (!rules->IsArray()) return Status::InvalidArgument("rules: must be a JSON array");
    out.rules_json = Text(*rules);
    auto parsed = ParseRules(*out.rules_json);
    if (!parsed.ok()) {
      return Status::Unprocessable(parsed.status().message()).WithReason("RECSYS_INVALID_RULES");
    }
    out.rules = std::move(parsed).value();
  }
  return Status::Ok();
}

Status ParseTime(const Value& sample, const char* key, std::optional<TimestampUs>& out) {
  std::string text;
  RETURN_IF_ERROR(json::ReadString(sample, key, "sample", &text));
  if (!json::Member(sample, key)) return Status::Ok();
  out = ParseRfc3339(text);
  if (!out) {
    return Status::Unprocessable(std::string("sample.") + key + ": want an RFC 3339 time");
  }
  return Status::Ok();
}

Status ParseSample(const Value& body, PreviewRequest& out) {
  const Value* sample = json::Member(body, "sample");
  if (sample == nullptr) return Status::Ok();
  if (!sample->IsObject()) return Status::InvalidArgument("sample: must be a JSON object");
  if (const Value* last = json::Member(*sample, "last")) {
    if (!last->IsInt64()) return Status::InvalidArgument("sample.last: must be an integer");
    if (last->GetInt64() < 1) return Status::Unprocessable("sample.last: must be at least 1");
    out.requested_last = last->GetInt64();
  }
  out.sample.last = std::min(out.requested_last, kPreviewMaxLast);
  RETURN_IF_ERROR(ParseTime(*sample, "from", out.sample.from));
  RETURN_IF_ERROR(ParseTime(*sample, "to", out.sample.to));
  if (out.sample.from && out.sample.to && *out.sample.from >= *out.sample.to) {
    return Status::Unprocessable("sample.from: must be before sample.to");
  }
  RETURN_IF_ERROR(json::ReadString(*sample, "surface", "sample", &out.sample.surface));
  if (out.sample.surface.size() > 64) {
    return Status::Unprocessable("sample.surface: at most 64 characters");
  }
  return Status::Ok();
}

}  // namespace

Result<PreviewRequest> ParsePreviewRequest(std::string_view body) {
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseStrictJsonObject(body, &doc));
  PreviewRequest out;
  RETURN_IF_ERROR(ParseDrafts(doc, out));
  RETURN_IF_ERROR(ParseSample(doc, out));
  return out;
}

}  // namespace recsys::service
