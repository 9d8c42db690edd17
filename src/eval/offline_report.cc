#include "eval/offline_report.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json_writer.h"
#include "core/str_format.h"
#include "eval/svg_chart.h"

namespace recsys::eval {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteEstimates(Writer& w, const std::array<Estimate, kMetricCount>& estimates) {
  w.StartObject();
  for (int m = 0; m < kMetricCount; ++m) {
    w.Key(MetricName(m));
    w.StartObject();
    json::WriteDoubleMembers(w, {{"value", estimates[m].value}});
    json::WriteRange(w, "ci95", estimates[m].interval.low, estimates[m].interval.high);
    w.EndObject();
  }
  w.EndObject();
}

void WriteEstimate(Writer& w, const char* key, const Estimate& e) {
  w.Key(key);
  w.StartObject();
  json::WriteDoubleMembers(w, {{"value", e.value}});
  json::WriteRange(w, "ci95", e.interval.low, e.interval.high);
  w.EndObject();
}

void WriteComparisons(Writer& w, const std::array<Comparison, kMetricCount>& comparisons) {
  w.StartObject();
  for (int m = 0; m < kMetricCount; ++m) {
    w.Key(MetricName(m));
    w.StartObject();
    json::WriteDoubleMembers(w, {{"difference", comparisons[m].difference}});
    json::WriteRange(w, "ci95", comparisons[m].interval.low, comparisons[m].interval.high);
    json::WriteDoubleMembers(w, {{"p_value", comparisons[m].p_value}});
    w.EndObject();
  }
  w.EndObject();
}

std::string WithInterval(const Estimate& e, bool intervals) {
  return intervals ? StrFormat("%.4f [%.4f, %.4f]", e.value, e.interval.low, e.interval.high)
                   : StrFormat("%.4f", e.value);
}

ReportTable MetricTable(const OfflineReport& report, bool new_items) {
  ReportTable table;
  table.header = {"config"};
  for (int m = 0; m < kMetricCount; ++m) {
    table.header.push_back(StrFormat("%s%s", MetricName(m), m == kNovelty ? "" : "@k"));
  }
  if (!new_items) table.header.push_back("coverage");
  for (const ConfigResult& c : report.configs) {
    std::vector<std::string> row = {c.name};
    const auto& estimates = new_items ? c.new_items : c.all;
    for (int m = 0; m < kMetricCount; ++m) {
      row.push_back(WithInterval(estimates[m], report.resamples > 0));
    }
    if (!new_items) row.push_back(StrFormat("%.4f", c.coverage));
    table.rows.push_back(std::move(row));
  }
  return table;
}

ReportTable PartsTable(const OfflineReport& report) {
  ReportTable table;
  table.header = {"config",         "repeat recall@k", "explore recall@k",
                  "repeat ratio@k", "recall@k",        "new-item recall@k"};
  const bool intervals = report.resamples > 0;
  for (const ConfigResult& c : report.configs) {
    table.rows.push_back(
        {c.name, WithInterval(c.repeat_recall, intervals),
         WithInterval(c.explore_recall, intervals), WithInterval(c.repeat_ratio, intervals),
         WithInterval(c.all[kRecall], intervals), WithInterval(c.new_items[kRecall], intervals)});
  }
  return table;
}

ReportTable ComparisonTable(const OfflineReport& report) {
  ReportTable table;
  table.header = {"config",
                  "metric",
                  "difference",
                  "95 % interval",
                  "p-value",
                  "new items: difference",
                  "new items: p-value"};
  for (size_t i = 1; i < report.configs.size(); ++i) {
    const ConfigResult& c = report.configs[i];
    for (int m = 0; m < kMetricCount; ++m) {
      const Comparison& all = c.versus_first[m];
      const Comparison& fresh = c.new_items_versus_first[m];
      table.rows.push_back({c.name, MetricName(m), StrFormat("%+.4f", all.difference),
                            StrFormat("[%+.4f, %+.4f]", all.interval.low, all.interval.high),
                            StrFormat("%.3g", all.p_value), StrFormat("%+.4f", fresh.difference),
                            StrFormat("%.3g", fresh.p_value)});
    }
  }
  return table;
}

}  // namespace

std::string OfflineReportJson(const OfflineReport& report) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("kind");
  w.String("offline");
  w.Key("surface");
  json::WriteString(w, report.surface);
  w.Key("split_date");
  json::WriteString(w, FormatDate(report.split_day));
  w.Key("k");
  w.Int(report.k);
  w.Key("training_events");
  w.Int64(report.training_events);
  w.Key("catalog_items");
  w.Int64(report.catalog_items);
  w.Key("users");
  w.Int64(report.users);
  w.Key("users_without_history");
  w.Int64(report.users_without_history);
  w.Key("users_with_new_items");
  w.Int64(report.users_with_new_items);
  w.Key("mean_truth_items");
  w.Double(report.mean_truth_items);
  w.Key("bootstrap_resamples");
  w.Int(report.resamples);
  w.Key("configs");
  w.StartArray();
  for (size_t i = 0; i < report.configs.size(); ++i) {
    const ConfigResult& c = report.configs[i];
    w.StartObject();
    w.Key("name");
    json::WriteString(w, c.name);
    w.Key("config");
    w.RawValue(c.config_json.data(), c.config_json.size(), rapidjson::kObjectType);
    w.Key("metrics");
    WriteEstimates(w, c.all);
    w.Key("new_items");
    WriteEstimates(w, c.new_items);
    w.Key("parts");
    w.StartObject();
    WriteEstimate(w, "repeat_recall", c.repeat_recall);
    WriteEstimate(w, "explore_recall", c.explore_recall);
    WriteEstimate(w, "repeat_ratio", c.repeat_ratio);
    w.EndObject();
    w.Key("coverage");
    w.Double(c.coverage);
    w.Key("recall_curve");
    w.StartArray();
    for (double v : c.recall_curve) w.Double(v);
    w.EndArray();
    if (i > 0) {
      w.Key("versus_first");
      WriteComparisons(w, c.versus_first);
      w.Key("new_items_versus_first");
      WriteComparisons(w, c.new_items_versus_first);
    }
    w.Key("seconds");
    w.Double(c.seconds);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

ReportDocument OfflineReportDocument(const OfflineReport& report, const std::string& tenant) {
  ReportDocument doc;
  doc.title = "Offline evaluation: " + tenant + ", surface " + report.surface + ", split " +
              FormatDate(report.split_day);
  ReportSection setup{"Set-up", {}, {}, {}};
  setup.paragraphs.push_back(StrFormat(
      "Signals were built from %lld interactions before %s; %lld users had a session on or after "
      "it (%.1f items each on average, %lld of them without any earlier history, %lld with items "
      "new to them). The catalog the signals know holds %lld items. Metrics are at k = %d; "
      "intervals are percentile bootstraps over users (%d resamples); comparisons are paired per "
      "user against \"%s\".",
      static_cast<long long>(report.training_events), FormatDate(report.split_day).c_str(),
      static_cast<long long>(report.users), report.mean_truth_items,
      static_cast<long long>(report.users_without_history),
      static_cast<long long>(report.users_with_new_items),
      static_cast<long long>(report.catalog_items), report.k, report.resamples,
      report.configs.empty() ? "" : report.configs.front().name.c_str()));
  doc.sections.push_back(std::move(setup));

  ReportSection results{"Results", {}, {MetricTable(report, false)}, {"recall_at_k.svg"}};
  ReportSection fresh{"Items new to the user", {}, {MetricTable(report, true)}, {}};
  fresh.paragraphs.push_back(
      "The same counting with the user's earlier items taken out of both the list and the truth.");
  std::vector<ChartSeries> curves;
  for (const ConfigResult& c : report.configs) curves.push_back({c.name, c.recall_curve, {}, {}});
  doc.charts.push_back({"recall_at_k.svg", LineChart("Recall at k", "k", "recall", curves)});
  std::vector<std::string> categories;
  for (int m : {kRecall, kPrecision, kNdcg, kMap, kHitRate, kMrr})
    categories.push_back(MetricName(m));
  std::vector<ChartSeries> bars;
  for (const ConfigResult& c : report.configs) {
    ChartSeries s{c.name, {}, {}, {}};
    for (int m : {kRecall, kPrecision, kNdcg, kMap, kHitRate, kMrr}) {
      s.values.push_back(c.all[m].value);
      s.low.push_back(c.all[m].interval.low);
      s.high.push_back(c.all[m].interval.high);
    }
    bars.push_back(std::move(s));
  }
  doc.charts.push_back(
      {"metrics.svg",
       BarChart(StrFormat("Metrics at k = %d with 95 %% intervals", report.k), categories, bars)});
  results.charts.push_back("metrics.svg");
  doc.sections.push_back(std::move(results));
  doc.sections.push_back(std::move(fresh));
  ReportSection parts{"Repeat and explore", {}, {PartsTable(report)}, {"frontier.svg"}};
  parts.paragraphs.push_back(
      "One top k, split: repeat recall counts the truth items the user had interacted with before "
      "the split (users with such items), explore recall the others (users with new items), the "
      "repeat ratio is the share of the top k the user had interacted with before. The chart puts "
      "each config on the recall / new-item recall plane; the dashed line joins those no other "
      "config beats on both.");
  std::vector<ChartSeries> points;
  for (const ConfigResult& c : report.configs) {
    points.push_back({c.name, {c.all[kRecall].value, c.new_items[kRecall].value}, {}, {}});
  }
  doc.charts.push_back(
      {"frontier.svg", ScatterChart(StrFormat("Recall and new-item recall at k = %d", report.k),
                                    "recall", "new-item recall", points)});
  doc.sections.push_back(std::move(parts));
  if (report.configs.size() > 1) {
    ReportSection versus{
        "Against " + report.configs.front().name, {}, {ComparisonTable(report)}, {}};
    versus.paragraphs.push_back(
        "Differences are per-user pairs (this config minus the first); the p-value is the paired "
        "test's, two-sided.");
    doc.sections.push_back(std::move(versus));
  }
  return doc;
}

}  // namespace recsys::eval
