#include "eval/report_document.h"

#include "eval/svg_chart.h"

namespace recsys::eval {
namespace {

// A Markdown table cell: pipes escaped, line breaks flattened.
std::string Cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out.push_back(' ');
    else
      out.push_back(c);
  }
  return out;
}

const std::string* FindChart(const ReportDocument& document, const std::string& name) {
  for (const auto& [chart_name, svg] : document.charts) {
    if (chart_name == name) return &svg;
  }
  return nullptr;
}

constexpr const char* kStyle =
    "body{font-family:sans-serif;max-width:72rem;margin:1rem auto;padding:0 1rem;color:#222}"
    "table{border-collapse:collapse;margin:0.5rem 0 1rem}"
    "th,td{border:1px solid #ccc;padding:0.25rem 0.5rem;text-align:right}"
    "th:first-child,td:first-child{text-align:left}"
    "svg{max-width:100%;height:auto}"
    ".table-wrap{overflow-x:auto}";

}  // namespace

std::string RenderMarkdown(const ReportDocument& document) {
  std::string out = "# " + document.title + "\n";
  for (const ReportSection& section : document.sections) {
    out += "\n## " + section.heading + "\n";
    for (const std::string& p : section.paragraphs) out += "\n" + p + "\n";
    for (const ReportTable& table : section.tables) {
      out += "\n|";
      for (const std::string& h : table.header) out.append(" ").append(Cell(h)).append(" |");
      out += "\n|";
      for (size_t i = 0; i < table.header.size(); ++i) out += i == 0 ? " --- |" : " ---: |";
      for (const auto& row : table.rows) {
        out += "\n|";
        for (const std::string& cell : row) out.append(" ").append(Cell(cell)).append(" |");
      }
      out += "\n";
    }
    for (const std::string& chart : section.charts) out += "\n![" + chart + "](" + chart + ")\n";
  }
  return out;
}

std::string RenderHtml(const ReportDocument& document) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
      EscapeXml(document.title) + "</title><style>" + kStyle + "</style></head><body><h1>" +
      EscapeXml(document.title) + "</h1>\n";
  for (const ReportSection& section : document.sections) {
    out += "<section><h2>" + EscapeXml(section.heading) + "</h2>\n";
    for (const std::string& p : section.paragraphs) out += "<p>" + EscapeXml(p) + "</p>\n";
    for (const ReportTable& table : section.tables) {
      out += "<div class=\"table-wrap\"><table><thead><tr>";
      for (const std::string& h : table.header)
        out += "<th scope=\"col\">" + EscapeXml(h) + "</th>";
      out += "</tr></thead><tbody>";
      for (const auto& row : table.rows) {
        out += "<tr>";
        for (const std::string& cell : row) out += "<td>" + EscapeXml(cell) + "</td>";
        out += "</tr>";
      }
      out += "</tbody></table></div>\n";
    }
    for (const std::string& chart : section.charts) {
      if (const std::string* svg = FindChart(document, chart))
        out += "<figure>" + *svg + "</figure>\n";
    }
    out += "</section>\n";
  }
  return out + "</body></html>\n";
}

}  // namespace recsys::eval
