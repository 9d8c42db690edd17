// A report as people read it: a title, then sections of paragraphs, tables and charts. One model,
// two renderings: Markdown (charts linked as files beside it) and one self-contained HTML page
// (charts inline, one inline style sheet, no script: it opens offline and under a strict CSP).
// Pure; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace recsys::eval {

struct ReportTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

struct ReportSection {
  std::string heading;
  std::vector<std::string> paragraphs;  // plain text
  std::vector<ReportTable> tables;
  std::vector<std::string> charts;  // names of ReportDocument::charts, shown in this order
};

struct ReportDocument {
  std::string title;
  std::vector<ReportSection> sections;
  std::vector<std::pair<std::string, std::string>> charts;  // file name ("recall.svg") -> SVG
};

// Markdown: charts as images named by their file names.
std::string RenderMarkdown(const ReportDocument& document);
// One HTML page with every chart inline.
std::string RenderHtml(const ReportDocument& document);

}  // namespace recsys::eval
