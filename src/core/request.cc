#include "core/request.h"

#include <rapidjson/document.h>

#include <algorithm>

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

  // Records `status` when it is an error; returns whether it was OK. The json:: readers' codes
  // are this parser's: a wrong type is 400, a value out of range 422.
  bool Check(Status status) {
    if (status.ok()) return true;
    error_ = std::move(status);
    return false;
  }

  // A missing member leaves *out unchanged.
  bool String(const Value& obj, const char* key, const std::string& path, std::string* out) {
    return Check(json::ReadString(obj, key, path, out));
  }
  bool Bool(const Value& obj, const char* key, const std::string& path, bool* out) {
    return Check(json::ReadBool(obj, key, path, out));
  }
  bool Int(const Value& obj, const char* key, const std::string& path, long long lo, long long hi,
           int* out) {
    return Check(json::ReadInt(obj, key, path, lo, hi, out));
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
    // Allocation-free per id (exclude lists run to hundreds): the error path is built only on
    // an error, and duplicates are found in one sorted copy instead of a hash set's nodes.
    const rapidjson::SizeType count = v->Size();
    std::vector<std::pair<std::string_view, rapidjson::SizeType>> sorted;
    sorted.reserve(count);
    for (rapidjson::SizeType i = 0; i < count; ++i) {
      const Value& id = (*v)[i];
      auto at = [&] { return field + "[" + std::to_string(i) + "]"; };
      if (!id.IsString()) return TypeError(at(), "must be a string");
      std::string_view text(id.GetString(), id.GetStringLength());
      if (!IsValidId(text)) return RuleError(at(), "must be 1..256 printable characters");
      sorted.emplace_back(text, i);
    }
    std::sort(sorted.begin(), sorted.end());
    std::vector<bool> repeated(count, false);  // a later copy of an id seen before it
    for (size_t k = 1; k < sorted.size(); ++k) {
      if (sorted[k].first == sorted[k - 1].first) repeated[sorted[k].second] = true;
    }
    out->reserve(out->size() + count);
    for (rapidjson::SizeType i = 0; i < count; ++i) {
      if (!repeated[i]) out->emplace_back((*v)[i].GetString(), (*v)[i].GetStringLength());
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

// surface, segment and k.
bool ParseSurfaceAndK(const Value& doc, const TenantConfig& config, Reader& r,
                      RecommendRequest* q) {
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

  if (Member(doc, "k") != nullptr) {
    if (!r.Int(doc, "k", "", 1, 200, &q->k)) return false;
    if (q->k > config.max_k) {
      return r.RuleError(
          "k", "exceeds this tenant's limits.max_k (" + std::to_string(config.max_k) + ")");
    }
  } else {
    q->warnings.push_back({"DEFAULT_APPLIED", "k defaulted to 20"});
    q->k = std::min(20, config.max_k);
  }
  return true;
}

bool ParseConstraints(const Value& doc, Reader& r, RecommendRequest* q) {
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
  return true;
}

bool ParseOptions(const Value& doc, Reader& r, RecommendRequest* q) {
  const Value* section = nullptr;
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

bool ParseCommon(const Value& doc, const TenantConfig& config, Reader& r, RecommendRequest* q) {
  return ParseSurfaceAndK(doc, config, r, q) && ParseConstraints(doc, r, q) &&
         ParseOptions(doc, r, q);
}

// At least one of user_id, anonymous_id, session_id.
bool ParseUser(const Value& doc, Reader& r, RecommendRequest* q) {
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
  return true;
}

bool ParseContext(const Value& doc, Reader& r, RecommendRequest* q) {
  const Value* section = nullptr;
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
  return true;
}

// Anchors, and the include / exclude lists within the tenant's limits.
bool ParseItemLists(const Value& doc, const TenantConfig& config, Reader& r, RecommendRequest* q) {
  const Value* section = nullptr;
  if (!r.Object(doc, "anchors", "", &section)) return false;
  if (section) {
    if (!r.Ids(*section, "item_ids", "anchors", kMaxAnchors, &q->anchor_ids)) return false;
    if (!r.Int(*section, "max_anchors", "anchors", 1, 50, &q->max_anchors)) return false;
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
  return true;
}

// The request's own blend weights and experiment, when it names them.
bool ParseWeightsAndExperiment(const Value& doc, Reader& r, RecommendRequest* q) {
  const Value* section = nullptr;
  if (!r.Object(doc, "weights", "", &section)) return false;
  if (section) {
    for (auto [key, slot] : {std::pair{"pop", &q->weights.pop}, std::pair{"cooc", &q->weights.cooc},
                             std::pair{"emb", &q->weights.emb}, std::pair{"hist", &q->weights.hist},
                             std::pair{"seq", &q->weights.seq}}) {
      if (Member(*section, key) == nullptr) continue;
      double weight = 0;
      if (!r.Check(json::ReadNumber(*section, key, "weights", 0, 1e6, &weight))) return false;
      *slot = weight;
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

bool ParseRecommendOnly(const Value& doc, const TenantConfig& config, Reader& r,
                        RecommendRequest* q) {
  return ParseUser(doc, r, q) && ParseContext(doc, r, q) && ParseItemLists(doc, config, r, q) &&
         ParseWeightsAndExperiment(doc, r, q);
}

Status ParseBody(std::string_view body, rapidjson::Document* doc) {
  return ParseStrictJsonObject(body, doc);
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

}  // namespace recsys
