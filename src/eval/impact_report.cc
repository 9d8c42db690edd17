#include "eval/impact_report.h"

#include <algorithm>

#include "core/str_format.h"
#include "eval/svg_chart.h"

namespace recsys::eval {
namespace {

using service::ImpactReport;

std::string Count(int64_t n) { return StrFormat("%lld", static_cast<long long>(n)); }

std::string Percent(double share) { return StrFormat("%.1f %%", 100 * share); }

std::string SampleLine(const ImpactReport& r) {
  std::string line =
      StrFormat("%lld logged requests read (newest %lld%s%s), %lld replayed",
                static_cast<long long>(r.logged), static_cast<long long>(r.sample.last),
                r.sample.surface.empty() ? "" : ", surface ", r.sample.surface.c_str(),
                static_cast<long long>(r.replayed));
  if (r.not_replayed > 0) line += ", " + Count(r.not_replayed) + " not replayable";
  return line + StrFormat(" in %.2f s", r.seconds);
}

std::string OffPolicyLine(const service::PreviewOffPolicy& o) {
  return StrFormat(
      "off-policy, over %lld exploring responses: the draft would earn %.4f clicks per response "
      "[95 %%: %.4f, %.4f] against %.4f served (effective sample size %.0f%s)",
      static_cast<long long>(o.responses), o.estimate, o.low, o.high, o.logged_clicks,
      o.effective_sample_size, o.enough_support ? "" : ": too little support to trust");
}

ReportTable SidesTable(const ImpactReport& r) {
  const ImpactSummary& s = r.summary;
  ReportTable table{{"", "current", "draft"}, {}};
  auto row = [&](const char* name, const std::string& before, const std::string& after) {
    table.rows.push_back({name, before, after});
  };
  row("distinct items shown", Count(s.before.distinct_items), Count(s.after.distinct_items));
  row("catalog coverage", Percent(s.before.coverage), Percent(s.after.coverage));
  row("concentration (Gini)", StrFormat("%.3f", s.before.gini), StrFormat("%.3f", s.after.gini));
  row("responses with a pin", Count(s.before.pinned), Count(s.after.pinned));
  row("responses with a block", Count(s.before.blocked), Count(s.after.blocked));
  row("responses with a boost", Count(s.before.boosted), Count(s.after.boosted));
  row("empty responses", Count(s.before.empty), Count(s.after.empty));
  row("short responses (< k)", Count(s.before.short_lists), Count(s.after.short_lists));
  return table;
}

ReportTable ItemsTable(const ImpactReport& r) {
  ReportTable table{{"gained item", "responses", "lost item", "responses"}, {}};
  const auto& gained = r.summary.gained;
  const auto& lost = r.summary.lost;
  for (size_t i = 0; i < std::max(gained.size(), lost.size()); ++i) {
    table.rows.push_back({i < gained.size() ? gained[i].item_id : "",
                          i < gained.size() ? Count(gained[i].responses) : "",
                          i < lost.size() ? lost[i].item_id : "",
                          i < lost.size() ? Count(lost[i].responses) : ""});
  }
  return table;
}

}  // namespace

std::string ImpactReportText(const ImpactReport& r) {
  const ImpactSummary& s = r.summary;
  std::string out = SampleLine(r) + "\n";
  out += StrFormat("changed: %lld of %lld responses (%s); mean rank-biased overlap %.3f\n",
                   static_cast<long long>(s.changed), static_cast<long long>(s.responses),
                   Percent(s.changed_share).c_str(), s.mean_rbo);
  out += StrFormat("coverage: %s -> %s of %lld items; Gini %.3f -> %.3f\n",
                   Percent(s.before.coverage).c_str(), Percent(s.after.coverage).c_str(),
                   static_cast<long long>(s.catalog_items), s.before.gini, s.after.gini);
  out += StrFormat("rules in the draft: %lld pinned, %lld blocked, %lld boosted responses\n",
                   static_cast<long long>(s.after.pinned), static_cast<long long>(s.after.blocked),
                   static_cast<long long>(s.after.boosted));
  out += StrFormat("became empty: %lld; became short: %lld\n",
                   static_cast<long long>(s.became_empty), static_cast<long long>(s.became_short));
  auto items = [&](const char* name, const std::vector<ItemCount>& list) {
    out += name;
    for (size_t i = 0; i < list.size() && i < 5; ++i) {
      out += (i ? ", " : " ") + list[i].item_id + " (" + Count(list[i].responses) + ")";
    }
    out += list.empty() ? " none\n" : "\n";
  };
  items("gained most:", s.gained);
  items("lost most:", s.lost);
  if (r.off_policy) out += OffPolicyLine(*r.off_policy) + "\n";
  for (const Warning& w : r.warnings) out += "warning " + w.code + ": " + w.detail + "\n";
  return out;
}

ReportDocument ImpactReportDocument(const ImpactReport& r, const std::string& title) {
  const ImpactSummary& s = r.summary;
  ReportDocument doc;
  doc.title = "Impact preview: " + r.tenant_id + ", " + title;
  ReportSection summary{"What the draft changes", {}, {}, {"impact.svg"}};
  summary.paragraphs.push_back(
      SampleLine(r) +
      ". Each logged request was ranked again with the current signals, once "
      "with the current config and rules and once with the draft.");
  summary.paragraphs.push_back(
      StrFormat("%lld of %lld responses change (%s); the mean rank-biased overlap (p = %g) is "
                "%.3f. %lld become empty and %lld short.",
                static_cast<long long>(s.changed), static_cast<long long>(s.responses),
                Percent(s.changed_share).c_str(), service::kPreviewRboPersistence, s.mean_rbo,
                static_cast<long long>(s.became_empty), static_cast<long long>(s.became_short)));
  if (r.off_policy) summary.paragraphs.push_back(OffPolicyLine(*r.off_policy) + ".");
  for (const Warning& w : r.warnings) summary.paragraphs.push_back(w.code + ": " + w.detail);
  summary.tables.push_back(SidesTable(r));
  doc.sections.push_back(std::move(summary));
  doc.sections.push_back({"Items gained and lost most often", {}, {ItemsTable(r)}, {}});
  doc.charts.push_back(
      {"impact.svg", BarChart("Share of responses (changed) and of the catalog (coverage)",
                              {"changed", "coverage"},
                              {{"current", {0, s.before.coverage}, {}, {}},
                               {"draft", {s.changed_share, s.after.coverage}, {}, {}}})});
  return doc;
}

}  // namespace recsys::eval
