#include "core/request.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <unordered_set>

#include "core/json_fields.h"
#include "core/rules.h"
#include "core/strict_json.h"

namespace recsys {
namespace {

using json::Member;
using json::Value;

constexpr size_t kMaxAnchors = 50;
constexpr size_t kMaxExclude = 5000;
constexpr size_t kMaxInclude = 5000;
constexpr size_t kMaxForbiddenTags = 200;
constexpr size_t kMaxRequiredTags = 50;
constexpr size_t kMaxSurfaceLength = 64;

// Collects the first error; every reader returns false once one was recorded.
class Reader {
 public:
  // Records that the field at `path` has the wrong type (400); returns false.
  bool TypeError(const std::string& path, const std::string& why) {
    error_ = Status::InvalidArgument(path + ": " + why);
    return false;
  }
  // Records that the field at `path` breaks a rule (422); returns false.
  bool RuleError(const std::string& path, const std::string& why) {
    error_ = Status::Unprocessable(path + ": " + why);
    return false;
  }
  // The first error recorded.
  Status error() && { return std::move(error_); }

  // Type errors are 400; a missing member leaves *out unchanged.
  bool String(const Value& obj, const char* key, const std::string& path, std::string* out) {
    const Value* v = Member(obj, key);
    if (v == nullptr) return true;
    if (!v->IsString()) return TypeError(json::Join(path, key), "must be a string");
    out->assign(v->GetString(), v->GetStringLength());
    return true;
  }

  bool Bool(const Value& obj, const char* key, const std::string& path, bool* out) {
    const Value* v = Member(obj, key);
    if (v == nullptr) return true;
    if (!v->IsBool()) return TypeError(json::Join(path, key), "must be true or false");
    *out = v->GetBool();
    return true;
  }

  bool Object(const Value& obj, const char* key, const std::string& path, const Value** out) {
    *out = Member(obj, key);
    if (*out != nullptr && !(*out)->IsObject()) {
      return TypeError(json::Join(path, key), "must be an object");
    }
    return true;
  }

  // An array of ids: strings of 1..256 printable characters, de-duplicated in order.
  bool Ids(const Value& obj, const char* key, const std::string& path, size_t max,
           std::vector<std::string>* out, bool* present = nullptr) {
    const Value* v = Member(obj, key);
    if (present) *present = v != nullptr;
    if (v == nullptr) return true;
    const std::string field = json::Join(path, key);
    if (!v->IsArray()) return TypeError(field, "must be an array of strings");
    if (v->Size() > max) {
      return RuleError(
          field, "at most " + std::to_string(max) + " ids (got " + std::to_string(v->Size()) + ")");
    }
    std::unordered_set<std::string_view> seen;
    for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
      const Value& id = (*v)[i];
      const std::string at = field + "[" + std::to_string(i) + "]";
      if (!id.IsString()) return TypeError(at, "must be a string");
      std::string_view text(id.GetString(), id.GetStringLength());
      if (!IsValidId(text)) return RuleError(at, "must be 1..256 printable characters");
      if (seen.insert(text).second) out->emplace_back(text);
    }
    return true;
  }

  bool Tags(const Value& obj, const char* key, const std::string& path, size_t max,
            std::vector<std::string>* out) {
    std::vector<std::string> raw;
    if (!Ids(obj, key, path, max, &raw)) return false;
    for (std::string& t : raw) {
      std::string tag = NormalizeTag(t);
      if (tag.empty()) return RuleError(json::Join(path, key), "tags must not be blank");
      if (std::find(out->begin(), out->end(), tag) == out->end()) out->push_back(std::move(tag));
    }
    return true;
  }

 private:
  Status error_;
};

bool ParseCommon(const Value& doc, const TenantConfig& config, Reader& r, RecommendRequest* q) {
  if (!r.String(doc, "surface", "", &q->surface)) return false;
  if (q->surface.empty()) return r.RuleError("surface", "required, non-empty");
  if (q->surface.size() > kMaxSurfaceLength) return r.RuleError("surface", "at most 64 characters");

  if (Member(doc, "segment") == nullptr) {
    q->warnings.push_back({"DEFAULT_APPLIED", "segment defaulted to \"default\""});
  } else {
    if (!r.String(doc, "segment", "", &q->segment)) return false;
    if (q->segment.empty() || q->segment.size() > kMaxSurfaceLength) {
      return r.RuleError("segment", "must be 1..64 characters");
    }
  }

  if (const Value* k = Member(doc, "k")) {
    if (!k->IsNumber()) return r.TypeError("k", "must be an integer");
    if (!k->IsInt64()) return r.RuleError("k", "must be an integer from 1 to 200");
    const int64_t value = k->GetInt64();
    if (value < 1 || value > 200) return r.RuleError("k", "must be from 1 to 200");
    if (value > config.max_k) {
      return r.RuleError(
          "k", "exceeds this tenant's limits.max_k (" + std::to_string(config.max_k) + ")");
    }
    q->k = static_cast<int>(value);
  } else {
    q->warnings.push_back({"DEFAULT_APPLIED", "k defaulted to 20"});
    q->k = std::min(20, config.max_k);
  }

  const Value* section = nullptr;
  if (!r.Object(doc, "constraints", "", &section)) return false;
  if (section) {
    if (!r.Tags(*section, "required_tags", "constraints", kMaxRequiredTags, &q->required_tags) ||
        !r.Tags(*section, "forbidden_tags", "constraints", kMaxForbiddenTags, &q->forbidden_tags)) {
      return false;
    }
    const Value* caps = nullptr;
    if (!r.Object(*section, "max_per_tag", "constraints", &caps)) return false;
    if (caps) {
      for (auto it = caps->MemberBegin(); it != caps->MemberEnd(); ++it) {
        const std::string path = "constraints.max_per_tag." + std::string(it->name.GetString());
        if (!it->value.IsNumber()) return r.TypeError(path, "must be an integer");
        if (!it->value.IsInt64() || it->value.GetInt64() < 0 || it->value.GetInt64() > 200) {
          return r.RuleError(path, "must be an integer from 0 to 200");
        }
        std::string tag = NormalizeTag({it->name.GetString(), it->name.GetStringLength()});
        if (tag.empty()) return r.RuleError(path, "tag must not be blank");
        q->max_per_tag.emplace_back(std::move(tag), static_cast<int>(it->value.GetInt64()));
      }
    }
  }

  if (!r.Object(doc, "options", "", &section)) return false;
  if (section) {
    std::string explain = "none";
    if (!r.String(*section, "explain", "options", &explain)) return false;
    if (explain == "none")
      q->explain = ExplainLevel::kNone;
    else if (explain == "summary")
      q->explain = ExplainLevel::kSummary;
    else if (explain == "full")
      q->explain = ExplainLevel::kFull;
    else
      return r.RuleError("options.explain", "must be none, summary or full");
    if (!r.Bool(*section, "include_reasons", "options", &q->include_reasons) ||
        !r.Bool(*section, "include_trace", "options", &q->include_trace)) {
      return false;
    }
    if (const Value* exclude_seen = Member(*section, "exclude_seen")) {
      if (!exclude_seen->IsBool())
        return r.TypeError("options.exclude_seen", "must be true or false");
      q->exclude_seen = exclude_seen->GetBool();
    }
    if (const Value* seed = Member(*section, "seed")) {
      if (!seed->IsInt64()) return r.TypeError("options.seed", "must be an integer");
      q->seed = seed->GetInt64();
    }
  }
  return true;
}

bool ParseRecommendOnly(const Value& doc, const TenantConfig& config, Reader& r,
                        RecommendRequest* q) {
  const Value* section = nullptr;
  if (!r.Object(doc, "user", "", &section)) return false;
  if (section) {
    if (!r.String(*section, "user_id", "user", &q->user_id) ||
        !r.String(*section, "anonymous_id", "user", &q->anonymous_id) ||
        !r.String(*section, "session_id", "user", &q->session_id)) {
      return false;
    }
    for (auto [name, value] :
         {std::pair{"user.user_id", &q->user_id}, std::pair{"user.anonymous_id", &q->anonymous_id},
          std::pair{"user.session_id", &q->session_id}}) {
      if (Member(*section, name + 5) != nullptr && !IsValidId(*value)) {
        return r.RuleError(name, "must be 1..256 printable characters");
      }
    }
  }
  if (q->user_id.empty() && q->anonymous_id.empty() && q->session_id.empty()) {
    return r.RuleError("user", "one of user_id, anonymous_id or session_id is required");
  }

  if (!r.Object(doc, "context", "", &section)) return false;
  if (section) {
    std::string now;
    if (!r.String(*section, "locale", "context", &q->locale) ||
        !r.String(*section, "device", "context", &q->device) ||
        !r.String(*section, "country", "context", &q->country) ||
        !r.String(*section, "now", "context", &now)) {
      return false;
    }
    if (Member(*section, "now") != nullptr) {
      q->now = ParseRfc3339(now);
      if (!q->now) return r.RuleError("context.now", "must be an RFC 3339 timestamp");
    }
  }

  if (!r.Object(doc, "anchors", "", &section)) return false;
  if (section) {
    if (!r.Ids(*section, "item_ids", "anchors", kMaxAnchors, &q->anchor_ids)) return false;
    if (const Value* max = Member(*section, "max_anchors")) {
      if (!max->IsNumber()) return r.TypeError("anchors.max_anchors", "must be an integer");
      if (!max->IsInt64() || max->GetInt64() < 1 || max->GetInt64() > 50) {
        return r.RuleError("anchors.max_anchors", "must be an integer from 1 to 50");
      }
      q->max_anchors = static_cast<int>(max->GetInt64());
    }
    if (static_cast<int>(q->anchor_ids.size()) > q->max_anchors)
      q->anchor_ids.resize(q->max_anchors);
  }

  if (!r.Object(doc, "candidates", "", &section)) return false;
  if (section) {
    if (!r.Ids(*section, "include_ids", "candidates", kMaxInclude, &q->include_ids,
               &q->has_include) ||
        !r.Ids(*section, "exclude_ids", "candidates", kMaxExclude, &q->exclude_ids)) {
      return false;
    }
    if (q->exclude_ids.size() > static_cast<size_t>(config.max_exclude_ids)) {
      return r.RuleError("candidates.exclude_ids",
                         "exceeds this tenant's limits.max_exclude_ids (" +
                             std::to_string(config.max_exclude_ids) + ")");
    }
  }

  if (!r.Object(doc, "weights", "", &section)) return false;
  if (section) {
    for (auto [key, slot] : {std::pair{"pop", &q->weights.pop}, std::pair{"cooc", &q->weights.cooc},
                             std::pair{"emb", &q->weights.emb}, std::pair{"hist", &q->weights.hist},
                             std::pair{"seq", &q->weights.seq}}) {
      const Value* w = Member(*section, key);
      if (w == nullptr) continue;
      const std::string path = std::string("weights.") + key;
      if (!w->IsNumber()) return r.TypeError(path, "must be a number");
      if (w->GetDouble() < 0 || w->GetDouble() > 1e6)
        return r.RuleError(path, "must be from 0 to 1e6");
      *slot = w->GetDouble();
    }
  }

  if (!r.Object(doc, "experiment", "", &section)) return false;
  if (section) {
    if (!r.String(*section, "id", "experiment", &q->experiment_id) ||
        !r.String(*section, "variant", "experiment", &q->experiment_variant)) {
      return false;
    }
    if (!IsValidId(q->experiment_id)) {
      return r.RuleError("experiment.id", "must be 1..256 printable characters");
    }
    if (!IsValidId(q->experiment_variant)) {
      return r.RuleError("experiment.variant", "must be 1..256 printable characters");
    }
  }
  return true;
}

Status ParseBody(std::string_view body, rapidjson::Document* doc) {
  RETURN_IF_ERROR(ParseStrictJson(body, doc));
  if (!doc->IsObject()) return Status::InvalidArgument("body: must be a JSON object");
  return Status::Ok();
}

bool ParseSimilarOnly(const Value& doc, const TenantConfig&, Reader& r, RecommendRequest* q) {
  if (!r.String(doc, "item_id", "", &q->item_id)) return false;
  if (!IsValidId(q->item_id))
    return r.RuleError("item_id", "required: 1..256 printable characters");
  return true;
}

// Parses the body, then the fields every endpoint shares, then the endpoint's own.
Result<RecommendRequest> Parse(std::string_view body, const TenantConfig& config,
                               bool (*endpoint_fields)(const Value&, const TenantConfig&, Reader&,
                                                       RecommendRequest*)) {
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseBody(body, &doc));
  RecommendRequest q;
  Reader r;
  if (!ParseCommon(doc, config, r, &q) || !endpoint_fields(doc, config, r, &q)) {
    return std::move(r).error();
  }
  return q;
}

}  // namespace

Result<RecommendRequest> ParseRecommendRequest(std::string_view body, const TenantConfig& config) {
  return Parse(body, config, &ParseRecommendOnly);
}

Result<RecommendRequest> ParseSimilarRequest(std::string_view body, const TenantConfig& config) {
  return Parse(body, config, &ParseSimilarOnly);
}

std::string_view PrimaryUserKey(const RecommendRequest& q) {
  if (!q.user_id.empty()) return q.user_id;
  if (!q.anonymous_id.empty()) return q.anonymous_id;
  return q.session_id;
}

std::string NormalizedRequestJson(const RecommendRequest& q, bool include_user_ids) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto str = [&w](const std::string& s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  auto list = [&](const std::vector<std::string>& items) {
    w.StartArray();
    for (const auto& s : items) str(s);
    w.EndArray();
  };
  w.StartObject();
  w.Key("surface");
  str(q.surface);
  w.Key("segment");
  str(q.segment);
  w.Key("k");
  w.Int(q.k);
  if (!q.item_id.empty()) {
    w.Key("item_id");
    str(q.item_id);
  }
  if (include_user_ids) {
    w.Key("user");
    w.StartObject();
    if (!q.user_id.empty()) {
      w.Key("user_id");
      str(q.user_id);
    }
    if (!q.anonymous_id.empty()) {
      w.Key("anonymous_id");
      str(q.anonymous_id);
    }
    if (!q.session_id.empty()) {
      w.Key("session_id");
      str(q.session_id);
    }
    w.EndObject();
  }
  w.Key("context");
  w.StartObject();
  if (!q.locale.empty()) {
    w.Key("locale");
    str(q.locale);
  }
  if (!q.device.empty()) {
    w.Key("device");
    str(q.device);
  }
  if (!q.country.empty()) {
    w.Key("country");
    str(q.country);
  }
  if (q.now) {
    w.Key("now");
    str(FormatRfc3339(*q.now));
  }
  w.EndObject();
  w.Key("anchors");
  w.StartObject();
  w.Key("item_ids");
  list(q.anchor_ids);
  w.Key("max_anchors");
  w.Int(q.max_anchors);
  w.EndObject();
  w.Key("candidates");
  w.StartObject();
  if (q.has_include) {
    w.Key("include_ids");
    list(q.include_ids);
  }
  w.Key("exclude_ids");
  list(q.exclude_ids);
  w.EndObject();
  w.Key("constraints");
  w.StartObject();
  w.Key("required_tags");
  list(q.required_tags);
  w.Key("forbidden_tags");
  list(q.forbidden_tags);
  w.Key("max_per_tag");
  w.StartObject();
  for (const auto& [tag, cap] : q.max_per_tag) {
    w.Key(tag.data(), static_cast<rapidjson::SizeType>(tag.size()));
    w.Int(cap);
  }
  w.EndObject();
  w.EndObject();
  w.Key("weights");
  w.StartObject();
  for (auto [key, value] : {std::pair{"pop", q.weights.pop}, std::pair{"cooc", q.weights.cooc},
                            std::pair{"emb", q.weights.emb}, std::pair{"hist", q.weights.hist},
                            std::pair{"seq", q.weights.seq}}) {
    if (value) {
      w.Key(key);
      w.Double(*value);
    }
  }
  w.EndObject();
  w.Key("options");
  w.StartObject();
  w.Key("explain");
  w.String(q.explain == ExplainLevel::kNone      ? "none"
           : q.explain == ExplainLevel::kSummary ? "summary"
                                                 : "full");
  w.Key("include_reasons");
  w.Bool(q.include_reasons);
  w.Key("include_trace");
  w.Bool(q.include_trace);
  if (q.seed) {
    w.Key("seed");
    w.Int64(*q.seed);
  }
  if (q.exclude_seen) {
    w.Key("exclude_seen");
    w.Bool(*q.exclude_seen);
  }
  w.EndObject();
  if (!q.experiment_id.empty()) {
    w.Key("experiment");
    w.StartObject();
    w.Key("id");
    str(q.experiment_id);
    w.Key("variant");
    str(q.experiment_variant);
    w.EndObject();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace recsys
