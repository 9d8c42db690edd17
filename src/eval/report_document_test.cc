#include "eval/report_document.h"

#include <gtest/gtest.h>

#include "eval/svg_chart.h"

namespace recsys::eval {
namespace {

ReportDocument Sample() {
  ReportDocument doc;
  doc.title = "A <b> & c";
  ReportSection s{
      "Results", {"one paragraph"}, {{{"config", "recall"}, {{"a|b", "0.5"}}}}, {"chart.svg"}};
  doc.sections.push_back(s);
  doc.charts.push_back({"chart.svg", LineChart("t", "k", "y", {{"<script>", {0.1, 0.2}, {}, {}}})});
  return doc;
}

TEST(ReportDocumentTest, MarkdownHasTablesAndLinksCharts) {
  const std::string md = RenderMarkdown(Sample());
  EXPECT_NE(md.find("# A <b> & c"), std::string::npos);
  EXPECT_NE(md.find("| config | recall |"), std::string::npos);
  EXPECT_NE(md.find("| a\\|b | 0.5 |"), std::string::npos);
  EXPECT_NE(md.find("![chart.svg](chart.svg)"), std::string::npos);
}

TEST(ReportDocumentTest, HtmlIsSelfContainedAndEscaped) {
  const std::string html = RenderHtml(Sample());
  EXPECT_NE(html.find("<title>A &lt;b&gt; &amp; c</title>"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);  // the chart inline
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // no external links
}

TEST(ReportDocumentTest, BarsDrawIntervals) {
  const std::string svg =
      BarChart("m", {"recall", "ndcg"}, {{"a", {0.2, 0.3}, {0.1, 0.2}, {0.3, 0.4}}});
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("<rect x="), std::string::npos);
  EXPECT_NE(svg.find("<path d=\"M"), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
}

}  // namespace
}  // namespace recsys::eval
