#include "core/tenant_config.h"

#include "core/event.h"
#include "core/json_fields.h"
#include "core/strict_json.h"

namespace recsys {
namespace {

using json::Member;
using json::Value;

constexpr double kMaxWeight = 1e6;

Status ObjectAt(const Value& parent, const char* key, const std::string& path, const Value** out) {
  *out = Member(parent, key);
  if (*out != nullptr && !(*out)->IsObject()) {
    return Status::InvalidArgument(json::Join(path, key) + ": must be an object");
  }
  return Status::Ok();
}

Status ReadWeights(const Value& v, const std::string& path, Weights* w) {
  RETURN_IF_ERROR(json::ReadNumber(v, "pop", path, 0, kMaxWeight, &w->pop));
  RETURN_IF_ERROR(json::ReadNumber(v, "cooc", path, 0, kMaxWeight, &w->cooc));
  RETURN_IF_ERROR(json::ReadNumber(v, "emb", path, 0, kMaxWeight, &w->emb));
  RETURN_IF_ERROR(json::ReadNumber(v, "hist", path, 0, kMaxWeight, &w->hist));
  RETURN_IF_ERROR(json::ReadNumber(v, "seq", path, 0, kMaxWeight, &w->seq));
  return Status::Ok();
}

// ranking.repeat_slots: an integer (fixed), "auto", {"min": m, "max": M} (auto, bounded), or
// null (the blend, as when absent).
Status ReadRepeatSlots(const Value& v, const std::string& path, RepeatSlots* slots) {
  const Value* value = Member(v, "repeat_slots");
  if (value == nullptr) return Status::Ok();
  if (value->IsNull()) {  // as absent: one blend (what `eval tune` writes to try the blend)
    *slots = RepeatSlots{};
    return Status::Ok();
  }
  const std::string field = json::Join(path, "repeat_slots");
  constexpr int kMaxSlots = 200;  // max_k's bound
  if (value->IsInt()) {
    if (value->GetInt() < 0 || value->GetInt() > kMaxSlots) {
      return Status::InvalidArgument(field + ": must be from 0 to 200");
    }
    *slots = {RepeatSlots::kFixed, value->GetInt(), 0, kMaxSlots};
    return Status::Ok();
  }
  if (value->IsString() && std::string_view(value->GetString()) == "auto") {
    *slots = {RepeatSlots::kAuto, 0, 0, kMaxSlots};
    return Status::Ok();
  }
  if (value->IsObject()) {
    RepeatSlots bounded{RepeatSlots::kAuto, 0, 0, kMaxSlots};
    RETURN_IF_ERROR(json::ReadInt(*value, "min", field, 0, kMaxSlots, &bounded.min));
    RETURN_IF_ERROR(json::ReadInt(*value, "max", field, 0, kMaxSlots, &bounded.max));
    if (bounded.min > bounded.max) {
      return Status::InvalidArgument(field + ".min: must not exceed max");
    }
    *slots = bounded;
    return Status::Ok();
  }
  return Status::InvalidArgument(field +
                                 R"(: must be an integer from 0 to 200, "auto" or {"min", "max"})");
}

Status ReadRanking(const Value& v, const std::string& path, RankingParams* r) {
  RETURN_IF_ERROR(json::ReadNumber(v, "half_life_days", path, 0.01, 3650, &r->half_life_days));
  RETURN_IF_ERROR(json::ReadInt(v, "covisit_window_days", path, 1, 3650, &r->covisit_window_days));
  RETURN_IF_ERROR(json::ReadNumber(v, "mmr_lambda", path, 0, 1, &r->mmr_lambda));
  RETURN_IF_ERROR(json::ReadInt(v, "brand_cap", path, 0, 1000, &r->brand_cap));
  RETURN_IF_ERROR(json::ReadInt(v, "category_cap", path, 0, 1000, &r->category_cap));
  RETURN_IF_ERROR(json::ReadInt(v, "max_pins", path, 0, 200, &r->max_pins));
  RETURN_IF_ERROR(json::ReadBool(v, "exclude_seen", path, &r->exclude_seen));
  RETURN_IF_ERROR(ReadRepeatSlots(v, path, &r->repeat_slots));
  const Value* exploration = nullptr;
  RETURN_IF_ERROR(ObjectAt(v, "exploration", path, &exploration));
  if (exploration != nullptr) {
    const std::string field = json::Join(path, "exploration");
    RETURN_IF_ERROR(
        json::ReadNumber(*exploration, "epsilon", field, 0, 0.5, &r->exploration_epsilon));
    RETURN_IF_ERROR(json::ReadInt(*exploration, "pool", field, 1, 200, &r->exploration_pool));
  }
  if (const Value* types = Member(v, "exclude_seen_types")) {
    const std::string field = json::Join(path, "exclude_seen_types");
    if (!types->IsArray())
      return Status::InvalidArgument(field + ": must be an array of event types");
    r->exclude_seen_types = 0;
    for (const Value& type : types->GetArray()) {
      std::optional<EventType> parsed;
      if (type.IsString()) parsed = ParseEventType({type.GetString(), type.GetStringLength()});
      if (!parsed) {
        return Status::InvalidArgument(
            field + ": each must be impression, view, click, add_to_cart or purchase");
      }
      r->exclude_seen_types |= static_cast<uint8_t>(1u << static_cast<int>(*parsed));
    }
  }
  return Status::Ok();
}

Status ReadSignals(const Value& v, SignalParams* s) {
  const Value* weights = nullptr;
  RETURN_IF_ERROR(ObjectAt(v, "event_weights", "signals", &weights));
  if (weights != nullptr) {
    for (int t = 0; t < kEventTypeCount; ++t) {
      RETURN_IF_ERROR(json::ReadNumber(*weights, EventTypeName(static_cast<EventType>(t)),
                                       "signals.event_weights", 0, 1e6, &s->event_weights[t]));
    }
  }
  RETURN_IF_ERROR(json::ReadInt(v, "history_items", "signals", 1, 1000, &s->history_items));
  RETURN_IF_ERROR(json::ReadInt(v, "history_days", "signals", 1, 3650, &s->history_days));
  return Status::Ok();
}

Status ReadExperiments(const Value& list, const TenantConfig& base, std::vector<Experiment>* out) {
  if (!list.IsArray()) return Status::InvalidArgument("experiments: must be an array");
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    const std::string path = "experiments[" + std::to_string(i) + "]";
    const Value& e = list[i];
    if (!e.IsObject()) return Status::InvalidArgument(path + ": must be an object");
    Experiment exp;
    RETURN_IF_ERROR(json::ReadString(e, "id", path, &exp.id));
    if (exp.id.empty()) return Status::InvalidArgument(path + ".id: required, non-empty");
    RETURN_IF_ERROR(json::ReadString(e, "surface", path, &exp.surface));
    std::string mode = "split";
    RETURN_IF_ERROR(json::ReadString(e, "mode", path, &mode));
    if (mode != "split" && mode != "interleave") {
      return Status::InvalidArgument(path + ".mode: must be split or interleave");
    }
    exp.mode = mode == "interleave" ? ExperimentMode::kInterleave : ExperimentMode::kSplit;
    const Value* variants = Member(e, "variants");
    if (variants == nullptr || !variants->IsArray() || variants->Empty()) {
      return Status::InvalidArgument(path + ".variants: must be a non-empty array");
    }
    double total = 0;
    for (rapidjson::SizeType j = 0; j < variants->Size(); ++j) {
      const std::string vpath = path + ".variants[" + std::to_string(j) + "]";
      const Value& v = (*variants)[j];
      if (!v.IsObject()) return Status::InvalidArgument(vpath + ": must be an object");
      ExperimentVariant variant;
      variant.weights = base.weights;
      variant.ranking = base.ranking;
      RETURN_IF_ERROR(json::ReadString(v, "name", vpath, &variant.name));
      if (variant.name.empty())
        return Status::InvalidArgument(vpath + ".name: required, non-empty");
      if (Member(v, "weight") == nullptr)
        return Status::InvalidArgument(vpath + ".weight: required");
      RETURN_IF_ERROR(json::ReadNumber(v, "weight", vpath, 0, 1e9, &variant.weight));
      total += variant.weight;
      const Value* config = nullptr;
      RETURN_IF_ERROR(ObjectAt(v, "config", vpath, &config));
      if (config != nullptr) {
        const std::string cpath = vpath + ".config";
        const Value* w = nullptr;
        RETURN_IF_ERROR(ObjectAt(*config, "weights", cpath, &w));
        if (w) RETURN_IF_ERROR(ReadWeights(*w, cpath + ".weights", &variant.weights));
        variant.has_weights = w != nullptr;
        const Value* r = nullptr;
        RETURN_IF_ERROR(ObjectAt(*config, "ranking", cpath, &r));
        if (r) RETURN_IF_ERROR(ReadRanking(*r, cpath + ".ranking", &variant.ranking));
        variant.has_ranking = r != nullptr;
      }
      exp.variants.push_back(std::move(variant));
    }
    if (total <= 0) return Status::InvalidArgument(path + ".variants: weights must sum to > 0");
    if (exp.mode == ExperimentMode::kInterleave && exp.variants.size() != 2) {
      return Status::InvalidArgument(path + ".variants: interleave needs exactly two variants");
    }
    out->push_back(std::move(exp));
  }
  return Status::Ok();
}

}  // namespace

const Experiment* ExperimentFor(const TenantConfig& config, std::string_view surface) {
  for (const Experiment& e : *config.experiments) {
    if (e.surface.empty() || e.surface == surface) return &e;
  }
  return nullptr;
}

const ExperimentVariant& PickVariant(const Experiment& experiment, uint64_t hash) {
  double total = 0;
  for (const ExperimentVariant& v : experiment.variants) total += v.weight;
  // A point in [0, total) from the top 53 bits of the hash.
  const double point = static_cast<double>(hash >> 11) / static_cast<double>(1ULL << 53) * total;
  double upto = 0;
  for (const ExperimentVariant& v : experiment.variants) {
    upto += v.weight;
    if (point < upto) return v;
  }
  return experiment.variants.back();
}

TenantConfig WithVariant(const TenantConfig& config, const ExperimentVariant& variant) {
  TenantConfig out = config;
  if (variant.has_weights) out.weights = variant.weights;
  if (variant.has_ranking) out.ranking = variant.ranking;
  return out;
}

Result<TenantConfig> ParseTenantConfig(std::string_view text) {
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseStrictJsonObject(text, &doc, "config"));
  TenantConfig config;
  const Value* section = nullptr;
  RETURN_IF_ERROR(ObjectAt(doc, "weights", "", &section));
  if (section) RETURN_IF_ERROR(ReadWeights(*section, "weights", &config.weights));
  RETURN_IF_ERROR(ObjectAt(doc, "flags", "", &section));
  if (section) {
    RETURN_IF_ERROR(json::ReadBool(*section, "enable_rules", "flags", &config.enable_rules));
    RETURN_IF_ERROR(json::ReadBool(*section, "exclude_anchors", "flags", &config.exclude_anchors));
  }
  RETURN_IF_ERROR(ObjectAt(doc, "limits", "", &section));
  if (section) {
    RETURN_IF_ERROR(json::ReadInt(*section, "max_k", "limits", 1, 200, &config.max_k));
    RETURN_IF_ERROR(
        json::ReadInt(*section, "max_exclude_ids", "limits", 0, 5000, &config.max_exclude_ids));
    RETURN_IF_ERROR(
        json::ReadNumber(*section, "rate_limit_rps", "limits", 0, 1e6, &config.rate_limit_rps));
    RETURN_IF_ERROR(
        json::ReadNumber(*section, "rate_limit_burst", "limits", 0, 1e7, &config.rate_limit_burst));
    RETURN_IF_ERROR(
        json::ReadNumber(*section, "events_rate", "limits", 0, 1e7, &config.events_rate));
    RETURN_IF_ERROR(
        json::ReadNumber(*section, "events_burst", "limits", 0, 1e9, &config.events_burst));
    if (config.events_burst > 0 && config.events_burst < kMaxEventsPerBatch) {
      return Status::InvalidArgument("limits.events_burst: want 0 (the server's) or at least " +
                                     std::to_string(kMaxEventsPerBatch) + ", the largest batch");
    }
  }
  RETURN_IF_ERROR(ObjectAt(doc, "ranking", "", &section));
  if (section) RETURN_IF_ERROR(ReadRanking(*section, "ranking", &config.ranking));
  RETURN_IF_ERROR(ObjectAt(doc, "signals", "", &section));
  if (section) RETURN_IF_ERROR(ReadSignals(*section, &config.signals));
  if (const Value* experiments = Member(doc, "experiments")) {
    std::vector<Experiment> list;
    RETURN_IF_ERROR(ReadExperiments(*experiments, config, &list));
    config.experiments = std::make_shared<const std::vector<Experiment>>(std::move(list));
  }
  return config;
}

}  // namespace recsys
