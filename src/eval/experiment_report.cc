#include "eval/experiment_report.h"

#include <cmath>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json_writer.h"
#include "core/str_format.h"
#include "eval/svg_chart.h"

namespace recsys::eval {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WritePair(Writer& w, const char* key, Interval interval) {
  json::WriteRange(w, key, interval.low, interval.high);
}

void WriteVariant(Writer& w, const VariantSummary& v) {
  w.StartObject();
  w.Key("name");
  json::WriteString(w, v.name);
  w.Key("weight");
  w.Double(v.weight);
  w.Key("exposures");
  w.Int64(v.exposures);
  w.Key("users");
  w.Int64(v.users);
  for (int m = 0; m < kOnlineMetricCount; ++m) {
    const RatioSums& s = v.sums[m];
    const double se = std::sqrt(s.RatioVariance());
    w.Key(OnlineMetricName(m));
    w.StartObject();
    w.Key("value");
    w.Double(s.Ratio());
    WritePair(w, "ci95", {s.Ratio() - kZ95 * se, s.Ratio() + kZ95 * se});
    w.EndObject();
  }
  w.Key("latency_us");
  w.StartObject();
  json::WriteInt64Members(
      w, {{"p50", v.latency_p50_us}, {"p95", v.latency_p95_us}, {"p99", v.latency_p99_us}});
  w.EndObject();
  w.EndObject();
}

void WriteComparison(Writer& w, const VariantComparison& c) {
  w.StartObject();
  w.Key("variant");
  json::WriteString(w, c.variant);
  for (int m = 0; m < kOnlineMetricCount; ++m) {
    const GroupComparison& g = c.metrics[m];
    w.Key(OnlineMetricName(m));
    w.StartObject();
    w.Key("difference");
    w.Double(g.difference);
    WritePair(w, "difference_ci95", g.difference_interval);
    w.Key("relative_lift");
    w.Double(g.relative_lift);
    WritePair(w, "lift_ci95", g.lift_interval);
    w.Key("z");
    w.Double(g.z);
    w.Key("p_value");
    w.Double(g.p_value);
    w.Key("sequential_p_value");
    w.Double(g.sequential_p);
    WritePair(w, "sequential_difference_ci95", g.sequential_interval);
    w.EndObject();
  }
  w.Key("guardrails_breached");
  json::WriteStringArray(w, c.guardrails_breached);
  w.EndObject();
}

std::string Rate(const RatioSums& s, bool money) {
  const double se = std::sqrt(s.RatioVariance());
  return money ? StrFormat("%.4f ± %.4f", s.Ratio(), kZ95 * se)
               : StrFormat("%.3f %% ± %.3f", 100 * s.Ratio(), 100 * kZ95 * se);
}

ReportSection InterleavingSection(const InterleavingResult& r) {
  ReportSection section{"Interleaving", {}, {}, {}};
  section.paragraphs.push_back(
      "Every response merged both variants' rankings by team-draft interleaving; a user counts "
      "for the team whose items they clicked more, and a sign test over those users decides.");
  ReportTable table{{"team", "clicks", "users preferring it"}, {}};
  for (int team : {0, 1}) {
    table.rows.push_back({r.teams[team], StrFormat("%lld", static_cast<long long>(r.clicks[team])),
                          StrFormat("%lld", static_cast<long long>(r.user_wins[team]))});
  }
  table.rows.push_back({"(ties)", "", StrFormat("%lld", static_cast<long long>(r.user_ties))});
  section.tables.push_back(std::move(table));
  section.paragraphs.push_back(StrFormat(
      "%lld responses (%lld with clicks) to %lld users; preference for %s %+.3f, p = %.3g.",
      static_cast<long long>(r.exposures), static_cast<long long>(r.exposures_with_clicks),
      static_cast<long long>(r.users), r.teams[1].c_str(), r.preference, r.p_value));
  return section;
}

void WriteGates(Writer& w, const std::vector<Gate>& gates) {
  w.Key("gates");
  w.StartArray();
  for (const Gate& g : gates) {
    w.StartObject();
    w.Key("name");
    json::WriteString(w, g.name);
    w.Key("passed");
    w.Bool(g.passed);
    w.Key("detail");
    json::WriteString(w, g.detail);
    w.EndObject();
  }
  w.EndArray();
}

void WriteInterleaving(Writer& w, const InterleavingResult& r) {
  w.Key("interleaving");
  w.StartObject();
  w.Key("teams");
  json::WriteStringArray(w, r.teams);
  json::WriteInt64Members(w, {{"exposures", r.exposures},
                              {"exposures_with_clicks", r.exposures_with_clicks},
                              {"users", r.users}});
  w.Key("clicks");
  w.StartArray();
  w.Int64(r.clicks[0]);
  w.Int64(r.clicks[1]);
  w.EndArray();
  w.Key("user_wins");
  w.StartArray();
  w.Int64(r.user_wins[0]);
  w.Int64(r.user_wins[1]);
  w.EndArray();
  json::WriteInt64Members(w, {{"user_ties", r.user_ties}});
  json::WriteDoubleMembers(w, {{"preference", r.preference}, {"p_value", r.p_value}});
  w.EndObject();
}

}  // namespace

std::string ExperimentReportJson(const ExperimentReport& report) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("kind");
  w.String("experiment");
  w.Key("experiment_id");
  json::WriteString(w, report.experiment_id);
  w.Key("verdict");
  w.String(VerdictName(report.verdict));
  w.Key("verdict_variant");
  json::WriteString(w, report.verdict_variant);
  w.Key("primary_metric");
  w.String(OnlineMetricName(report.primary));
  w.Key("sequential");
  w.Bool(report.sequential);
  w.Key("alpha");
  w.Double(report.alpha);
  WriteGates(w, report.gates);
  w.Key("join");
  w.StartObject();
  json::WriteInt64Members(w, {{"interactions_with_request_id", report.interactions_with_request},
                              {"joined", report.interactions_joined}});
  json::WriteDoubleMembers(w, {{"rate", report.join_rate}});
  w.EndObject();
  w.Key("control");
  json::WriteString(w, report.control);
  w.Key("variants");
  w.StartArray();
  for (const VariantSummary& v : report.variants) WriteVariant(w, v);
  w.EndArray();
  w.Key("comparisons");
  w.StartArray();
  for (const VariantComparison& c : report.comparisons) WriteComparison(w, c);
  w.EndArray();
  if (report.sample_ratio) {
    w.Key("sample_ratio");
    w.StartObject();
    w.Key("chi_square");
    w.Double(report.sample_ratio->chi_square);
    w.Key("p_value");
    w.Double(report.sample_ratio->p_value);
    w.EndObject();
  }
  if (report.interleaving) WriteInterleaving(w, *report.interleaving);
  if (report.aa) {
    w.Key("aa");
    w.StartObject();
    w.Key("splits");
    w.Int(report.aa->splits);
    w.Key("significant");
    w.Int(report.aa->significant);
    w.Key("false_positive_rate");
    w.Double(report.aa->rate);
    w.Key("within_nominal");
    w.Bool(report.aa->within);
    w.EndObject();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

ReportDocument ExperimentReportDocument(const ExperimentReport& report, const std::string& tenant) {
  ReportDocument doc;
  doc.title = "Experiment " + report.experiment_id + " (" + tenant + ")";
  ReportSection verdict{"Verdict: " + std::string(VerdictName(report.verdict)), {}, {}, {}};
  verdict.paragraphs.push_back(
      report.verdict == Verdict::kNone
          ? "No verdict: the data cannot carry one (see the failed gate)."
          : StrFormat("Decided on %s at alpha %.3g%s%s%s.", OnlineMetricName(report.primary),
                      report.alpha, report.sequential ? " with always-valid p-values" : "",
                      report.verdict_variant.empty() ? "" : "; variant ",
                      report.verdict_variant.c_str()));
  ReportTable gates{{"gate", "passed", "detail"}, {}};
  for (const Gate& g : report.gates)
    gates.rows.push_back({g.name, g.passed ? "yes" : "NO", g.detail});
  verdict.tables.push_back(std::move(gates));
  doc.sections.push_back(std::move(verdict));

  if (report.interleaving) {
    doc.sections.push_back(InterleavingSection(*report.interleaving));
    return doc;
  }
  ReportSection variants{"Variants", {}, {}, {"primary.svg"}};
  ReportTable table{{"variant", "weight", "exposures", "users"}, {}};
  for (int m = 0; m < kOnlineMetricCount; ++m) table.header.push_back(OnlineMetricName(m));
  table.header.push_back("p95 latency (ms)");
  for (const VariantSummary& v : report.variants) {
    std::vector<std::string> row = {v.name, StrFormat("%g", v.weight),
                                    StrFormat("%lld", static_cast<long long>(v.exposures)),
                                    StrFormat("%lld", static_cast<long long>(v.users))};
    for (int m = 0; m < kOnlineMetricCount; ++m) {
      row.push_back(Rate(v.sums[m], m == kRevenuePerExposure));
    }
    row.push_back(v.latency_p95_us < 0 ? "-" : StrFormat("%.2f", v.latency_p95_us / 1000.0));
    table.rows.push_back(std::move(row));
  }
  variants.tables.push_back(std::move(table));
  ReportTable lifts{{"variant", "metric", "lift", "95 % interval", "p-value", "always-valid p"},
                    {}};
  for (const VariantComparison& c : report.comparisons) {
    for (int m = 0; m < kOnlineMetricCount; ++m) {
      const GroupComparison& g = c.metrics[m];
      lifts.rows.push_back(
          {c.variant, OnlineMetricName(m), StrFormat("%+.2f %%", 100 * g.relative_lift),
           StrFormat("[%+.2f %%, %+.2f %%]", 100 * g.lift_interval.low, 100 * g.lift_interval.high),
           StrFormat("%.3g", g.p_value), StrFormat("%.3g", g.sequential_p)});
    }
  }
  variants.paragraphs.push_back(
      "Rates are per exposure with users as the unit (95 % intervals by the delta method); lifts "
      "are against " +
      report.control + ".");
  variants.tables.push_back(std::move(lifts));
  ChartSeries primary{OnlineMetricName(report.primary), {}, {}, {}};
  std::vector<std::string> names;
  for (const VariantSummary& v : report.variants) {
    const RatioSums& s = v.sums[report.primary];
    const double se = std::sqrt(s.RatioVariance());
    names.push_back(v.name);
    primary.values.push_back(s.Ratio());
    primary.low.push_back(s.Ratio() - kZ95 * se);
    primary.high.push_back(s.Ratio() + kZ95 * se);
  }
  doc.charts.push_back({"primary.svg", BarChart(std::string(OnlineMetricName(report.primary)) +
                                                    " per variant with 95 % intervals",
                                                names, {primary})});
  doc.sections.push_back(std::move(variants));
  if (report.aa) {
    ReportSection aa{"A/A check", {}, {}, {}};
    aa.paragraphs.push_back(StrFormat(
        "%d random re-splits of %s's users: %d called a difference at alpha %.3g (%.1f %%), %s.",
        report.aa->splits, report.control.c_str(), report.aa->significant, report.alpha,
        100 * report.aa->rate,
        report.aa->within ? "within the nominal rate"
                          : "ABOVE the nominal rate: the test or the "
                            "logging is not sound"));
    doc.sections.push_back(std::move(aa));
  }
  return doc;
}

}  // namespace recsys::eval
