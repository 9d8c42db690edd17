#include "service/impact_report_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json_writer.h"

namespace recsys::service {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteSample(Writer& w, const ImpactReport& report) {
  w.Key("sample");
  w.StartObject();
  json::WriteInt64Members(
      w, {{"last", report.sample.last}, {"requested_last", report.requested_last}});
  w.Key("capped");
  w.Bool(report.capped);
  if (report.sample.from)
    json::WriteStringMembers(w, {{"from", FormatRfc3339(*report.sample.from)}});
  if (report.sample.to) json::WriteStringMembers(w, {{"to", FormatRfc3339(*report.sample.to)}});
  json::WriteStringMembers(w, {{"surface", report.sample.surface}}, /*omit_empty=*/true);
  w.EndObject();
}

void WriteSide(Writer& w, const char* key, const ImpactSide& side) {
  w.Key(key);
  w.StartObject();
  json::WriteInt64Members(w, {{"distinct_items", side.distinct_items}});
  json::WriteDoubleMembers(w, {{"coverage", side.coverage}, {"gini", side.gini}});
  json::WriteInt64Members(w, {{"pinned", side.pinned},
                              {"blocked", side.blocked},
                              {"boosted", side.boosted},
                              {"empty", side.empty},
                              {"short", side.short_lists}});
  w.EndObject();
}

void WriteItems(Writer& w, const char* key, const std::vector<ItemCount>& items) {
  w.Key(key);
  w.StartArray();
  for (const ItemCount& item : items) {
    w.StartObject();
    json::WriteStringMembers(w, {{"item_id", item.item_id}});
    json::WriteInt64Members(w, {{"responses", item.responses}});
    w.EndObject();
  }
  w.EndArray();
}

void WriteOffPolicy(Writer& w, const PreviewOffPolicy& off_policy) {
  w.Key("off_policy");
  w.StartObject();
  json::WriteInt64Members(w, {{"responses", off_policy.responses}});
  json::WriteDoubleMembers(
      w, {{"logged_clicks", off_policy.logged_clicks}, {"estimate", off_policy.estimate}});
  json::WriteRange(w, "interval", off_policy.low, off_policy.high);
  json::WriteDoubleMembers(w, {{"snips", off_policy.snips},
                               {"effective_sample_size", off_policy.effective_sample_size}});
  w.Key("enough_support");
  w.Bool(off_policy.enough_support);
  w.EndObject();
}

}  // namespace

std::string ImpactReportJson(const ImpactReport& report) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  const ImpactSummary& s = report.summary;
  w.StartObject();
  json::WriteStringMembers(w, {{"tenant_id", report.tenant_id}});
  json::WriteStringMembers(
      w, {{"config_version", report.config_version}, {"rules_version", report.rules_version}},
      /*omit_empty=*/true);
  w.Key("draft");
  w.StartObject();
  w.Key("config");
  w.Bool(report.draft_config);
  w.Key("rules");
  w.Bool(report.draft_rules);
  w.EndObject();
  WriteSample(w, report);
  w.Key("complete");
  w.Bool(report.complete);
  json::WriteInt64Members(w, {{"logged", report.logged},
                              {"replayed", report.replayed},
                              {"not_replayed", report.not_replayed}});
  json::WriteDoubleMembers(w, {{"seconds", report.seconds}});
  w.Key("changed");
  w.StartObject();
  json::WriteInt64Members(w, {{"responses", s.changed}});
  json::WriteDoubleMembers(w, {{"share", s.changed_share}});
  w.EndObject();
  json::WriteDoubleMembers(w,
                           {{"mean_rbo", s.mean_rbo}, {"rbo_persistence", kPreviewRboPersistence}});
  json::WriteInt64Members(w, {{"catalog_items", s.catalog_items}});
  WriteSide(w, "before", s.before);
  WriteSide(w, "after", s.after);
  json::WriteInt64Members(w, {{"became_empty", s.became_empty}, {"became_short", s.became_short}});
  WriteItems(w, "gained", s.gained);
  WriteItems(w, "lost", s.lost);
  if (report.off_policy) WriteOffPolicy(w, *report.off_policy);
  w.Key("warnings");
  w.StartArray();
  for (const Warning& warning : report.warnings) {
    w.StartObject();
    json::WriteStringMembers(w, {{"code", warning.code}, {"detail", warning.detail}});
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace recsys::service
