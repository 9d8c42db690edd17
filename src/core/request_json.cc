#include "core/request_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <utility>

#include "core/json_writer.h"
#include "core/time.h"

namespace recsys {
namespace {

// Writes one section of the request per call, in api.md's field order.
class RequestWriter {
 public:
  // `compact`: leave out every section and field that holds its default.
  RequestWriter(rapidjson::Writer<rapidjson::StringBuffer>& w, bool compact)
      : w_(w), compact_(compact) {}

  void Top(const RecommendRequest& q) {
    Text("surface", q.surface);
    Text("segment", q.segment);
    w_.Key("k");
    w_.Int(q.k);
    TextIfSet("item_id", q.item_id);
  }

  void User(const RecommendRequest& q) {
    w_.Key("user");
    w_.StartObject();
    TextIfSet("user_id", q.user_id);
    TextIfSet("anonymous_id", q.anonymous_id);
    TextIfSet("session_id", q.session_id);
    w_.EndObject();
  }

  void Context(const RecommendRequest& q) {
    if (compact_ && q.locale.empty() && q.device.empty() && q.country.empty() && !q.now) return;
    w_.Key("context");
    w_.StartObject();
    TextIfSet("locale", q.locale);
    TextIfSet("device", q.device);
    TextIfSet("country", q.country);
    if (q.now) Text("now", FormatRfc3339(*q.now));
    w_.EndObject();
  }

  void AnchorsAndCandidates(const RecommendRequest& q) {
    if (!compact_ || !q.anchor_ids.empty()) {
      w_.Key("anchors");
      w_.StartObject();
      List("item_ids", q.anchor_ids);
      w_.Key("max_anchors");
      w_.Int(q.max_anchors);
      w_.EndObject();
    }
    if (compact_ && !q.has_include && q.exclude_ids.empty()) return;
    w_.Key("candidates");
    w_.StartObject();
    if (q.has_include) List("include_ids", q.include_ids);
    List("exclude_ids", q.exclude_ids);
    w_.EndObject();
  }

  void Constraints(const RecommendRequest& q) {
    if (compact_ && q.required_tags.empty() && q.forbidden_tags.empty() && q.max_per_tag.empty()) {
      return;
    }
    w_.Key("constraints");
    w_.StartObject();
    List("required_tags", q.required_tags);
    List("forbidden_tags", q.forbidden_tags);
    w_.Key("max_per_tag");
    w_.StartObject();
    for (const auto& [tag, cap] : q.max_per_tag) {
      w_.Key(tag.data(), static_cast<rapidjson::SizeType>(tag.size()));
      w_.Int(cap);
    }
    w_.EndObject();
    w_.EndObject();
  }

  // Only the weights the request set; the rest come from the config.
  void Weights(const RecommendRequest& q) {
    const auto& r = q.weights;
    if (compact_ && !r.pop && !r.cooc && !r.emb && !r.hist && !r.seq) return;
    w_.Key("weights");
    w_.StartObject();
    for (auto [key, value] : {std::pair{"pop", q.weights.pop}, std::pair{"cooc", q.weights.cooc},
                              std::pair{"emb", q.weights.emb}, std::pair{"hist", q.weights.hist},
                              std::pair{"seq", q.weights.seq}}) {
      if (value) {
        w_.Key(key);
        w_.Double(*value);
      }
    }
    w_.EndObject();
  }

  void Options(const RecommendRequest& q) {
    if (compact_ && q.explain == ExplainLevel::kNone && !q.include_reasons && !q.include_trace &&
        !q.seed && !q.exclude_seen) {
      return;
    }
    w_.Key("options");
    w_.StartObject();
    w_.Key("explain");
    w_.String(q.explain == ExplainLevel::kNone      ? "none"
              : q.explain == ExplainLevel::kSummary ? "summary"
                                                    : "full");
    w_.Key("include_reasons");
    w_.Bool(q.include_reasons);
    w_.Key("include_trace");
    w_.Bool(q.include_trace);
    if (q.seed) {
      w_.Key("seed");
      w_.Int64(*q.seed);
    }
    if (q.exclude_seen) {
      w_.Key("exclude_seen");
      w_.Bool(*q.exclude_seen);
    }
    w_.EndObject();
  }

  void Experiment(const RecommendRequest& q) {
    if (q.experiment_id.empty()) return;
    w_.Key("experiment");
    w_.StartObject();
    Text("id", q.experiment_id);
    Text("variant", q.experiment_variant);
    w_.EndObject();
  }

 private:
  void Text(const char* key, const std::string& value) {
    w_.Key(key);
    json::WriteString(w_, value);
  }
  void TextIfSet(const char* key, const std::string& value) {
    if (!value.empty()) Text(key, value);
  }
  void List(const char* key, const std::vector<std::string>& items) {
    w_.Key(key);
    json::WriteStringArray(w_, items);
  }

  rapidjson::Writer<rapidjson::StringBuffer>& w_;
  const bool compact_;
};

std::string Write(const RecommendRequest& q, bool compact) {
  rapidjson::StringBuffer buffer(nullptr, 1024);
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  RequestWriter out(w, compact);
  w.StartObject();
  out.Top(q);
  if (!compact) out.User(q);
  out.Context(q);
  out.AnchorsAndCandidates(q);
  out.Constraints(q);
  out.Weights(q);
  out.Options(q);
  out.Experiment(q);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string NormalizedRequestJson(const RecommendRequest& q) { return Write(q, false); }

std::string ExposureRequestJson(const RecommendRequest& q) { return Write(q, true); }

}  // namespace recsys
