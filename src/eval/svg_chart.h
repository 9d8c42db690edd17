// Small, self-contained SVG charts for evaluation reports: no script, no external font or style,
// so a report opens offline and passes a strict Content-Security-Policy when inlined. Labels are
// XML-escaped. Pure; thread-safe.
#pragma once

#include <string>
#include <utility>
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

// One point per series at (values[0], values[1]), both axes from 0, and the frontier as a dashed
// line: the points no other point matches on both axes while beating it on one (ParetoFrontier).
std::string ScatterChart(const std::string& title, const std::string& x_label,
                         const std::string& y_label, const std::vector<ChartSeries>& series);

// The indexes of the points (x, y) on the frontier, in ascending x: none is dominated (another
// point at least as high on both and higher on one).
std::vector<size_t> ParetoFrontier(const std::vector<std::pair<double, double>>& points);

// `text` with &, <, >, " and ' escaped for XML and HTML.
std::string EscapeXml(const std::string& text);

}  // namespace recsys::eval
