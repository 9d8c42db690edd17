// Small, self-contained SVG charts for evaluation reports: no script, no external font or style,
// so a report opens offline and passes a strict Content-Security-Policy when inlined. Labels are
// XML-escaped. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace recsys::eval {

struct ChartSeries {
  std::string name;
  std::vector<double> values;     // lines: y at x = 1..n; bars: one per category
  std::vector<double> low, high;  // bars only: the interval per category (may be empty)
};

// Lines of `series` against x = 1..n, one colour each, with a legend. Values must be finite.
std::string LineChart(const std::string& title, const std::string& x_label,
                      const std::string& y_label, const std::vector<ChartSeries>& series);

// Grouped bars: per category one bar per series, with its interval as a whisker when given.
std::string BarChart(const std::string& title, const std::vector<std::string>& categories,
                     const std::vector<ChartSeries>& series);

// `text` with &, <, >, " and ' escaped for XML and HTML.
std::string EscapeXml(const std::string& text);

}  // namespace recsys::eval
