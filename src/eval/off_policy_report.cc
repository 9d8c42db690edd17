#include "eval/off_policy_report.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json_writer.h"
#include "core/str_format.h"
#include "eval/svg_chart.h"

namespace recsys::eval {

std::string OffPolicyReportJson(const OffPolicyReport& report) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("kind");
  w.String("offpolicy");
  w.Key("from");
  json::WriteString(w, report.from);
  w.Key("to");
  json::WriteString(w, report.to);
  w.Key("max_weight");
  w.Double(report.max_weight);
  w.Key("responses");
  w.Int64(report.responses);
  w.Key("responses_without_history");
  w.Int64(report.responses_without_history);
  w.Key("configs");
  w.StartArray();
  for (const OffPolicyConfigResult& c : report.configs) {
    const OffPolicyEstimate& e = c.estimate;
    w.StartObject();
    w.Key("name");
    json::WriteString(w, c.name);
    w.Key("config");
    w.RawValue(c.config_json.data(), c.config_json.size(), rapidjson::kObjectType);
    json::WriteDoubleMembers(w, {{"logged_clicks_per_response", e.logged_clicks},
                                 {"ips", e.ips},
                                 {"ips_standard_error", e.ips_standard_error},
                                 {"snips", e.snips},
                                 {"effective_sample_size", e.effective_sample_size}});
    json::WriteRange(w, "ips_ci95", e.ips_interval.low, e.ips_interval.high);
    w.Key("enough_support");
    w.Bool(e.effective_sample_size >= kMinEffectiveSampleSize);
    json::WriteInt64Members(
        w, {{"slots", e.slots}, {"matched_slots", e.matched_slots}, {"clipped", e.clipped}});
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

ReportDocument OffPolicyReportDocument(const OffPolicyReport& report, const std::string& tenant) {
  ReportDocument doc;
  doc.title = "Off-policy estimate: " + tenant + ", " + report.from.substr(0, 10) + " to " +
              report.to.substr(0, 10);
  ReportSection section{"Clicks per response", {}, {}, {"estimates.svg"}};
  section.paragraphs.push_back(StrFormat(
      "%lld responses logged with exploration on (%lld of users without earlier history). Each "
      "config re-ranks every logged request with signals and history as of the window's start; a "
      "logged slot counts when the config puts the same items in it and in every slot above, "
      "weighted by 1 / the product of their propensities (clipped at %g). The effective sample "
      "size says how many logged slots an estimate is worth: below %g the logs explored too "
      "little for that config to rank it.",
      static_cast<long long>(report.responses),
      static_cast<long long>(report.responses_without_history), report.max_weight,
      kMinEffectiveSampleSize));
  ReportTable table{{"config", "IPS [95 %]", "SNIPS", "effective sample size", "matched slots",
                     "clipped", "logged"},
                    {}};
  ChartSeries ips{"IPS", {}, {}, {}}, snips{"SNIPS", {}, {}, {}};
  std::vector<std::string> names;
  for (const OffPolicyConfigResult& c : report.configs) {
    const OffPolicyEstimate& e = c.estimate;
    table.rows.push_back(
        {c.name, StrFormat("%.4f [%.4f, %.4f]", e.ips, e.ips_interval.low, e.ips_interval.high),
         StrFormat("%.4f", e.snips),
         StrFormat(e.effective_sample_size >= kMinEffectiveSampleSize ? "%.0f" : "%.0f (too few)",
                   e.effective_sample_size),
         StrFormat("%lld", static_cast<long long>(e.matched_slots)),
         StrFormat("%lld", static_cast<long long>(e.clipped)), StrFormat("%.4f", e.logged_clicks)});
    names.push_back(c.name);
    ips.values.push_back(e.ips);
    ips.low.push_back(e.ips_interval.low);
    ips.high.push_back(e.ips_interval.high);
    snips.values.push_back(e.snips);
  }
  section.tables.push_back(std::move(table));
  doc.charts.push_back(
      {"estimates.svg", BarChart("Estimated clicks per response", names, {ips, snips})});
  doc.sections.push_back(std::move(section));
  return doc;
}

}  // namespace recsys::eval
