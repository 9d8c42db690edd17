#include "eval/svg_chart.h"

#include <algorithm>
#include <cmath>

#include "core/str_format.h"

namespace recsys::eval {
namespace {

constexpr const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                    "#9467bd", "#8c564b", "#e377c2", "#17becf"};
constexpr double kWidth = 640, kHeight = 360;
constexpr double kLeft = 60, kRight = 160, kTop = 36, kBottom = 48;  // margins

const char* Colour(size_t i) { return kColours[i % (sizeof kColours / sizeof *kColours)]; }

// A "nice" upper bound for an axis that must show `max`.
double AxisTop(double max) {
  if (max <= 0) return 1;
  const double step = std::pow(10, std::floor(std::log10(max)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * step >= max) return m * step;
  }
  return 10 * step;
}

std::string Open(const std::string& title) {
  return StrFormat(
             "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %g %g\" width=\"%g\" "
             "height=\"%g\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\">",
             kWidth, kHeight, kWidth, kHeight) +
         "<title>" + EscapeXml(title) + "</title>" +
         StrFormat("<rect width=\"%g\" height=\"%g\" fill=\"#ffffff\"/>", kWidth, kHeight) +
         StrFormat("<text x=\"%g\" y=\"20\" font-size=\"14\" font-weight=\"bold\">", kLeft) +
         EscapeXml(title) + "</text>";
}

// The y axis from 0 to `top` with five grid lines, and the plot's frame.
std::string YAxis(double top, const std::string& label) {
  const double plot_height = kHeight - kTop - kBottom;
  std::string out;
  for (int i = 0; i <= 5; ++i) {
    const double y = kHeight - kBottom - plot_height * i / 5;
    out += StrFormat(
        "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#dddddd\"/>"
        "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>",
        kLeft, y, kWidth - kRight, y, kLeft - 6, y + 4, top * i / 5);
  }
  out += StrFormat(
             "<text x=\"14\" y=\"%g\" transform=\"rotate(-90 14 %g)\" "
             "text-anchor=\"middle\">",
             kTop + plot_height / 2, kTop + plot_height / 2) +
         EscapeXml(label) + "</text>";
  return out;
}

std::string Legend(const std::vector<ChartSeries>& series) {
  std::string out;
  for (size_t i = 0; i < series.size(); ++i) {
    const double y = kTop + 8 + 18 * static_cast<double>(i);
    out += StrFormat(
               "<rect x=\"%g\" y=\"%g\" width=\"12\" height=\"12\" fill=\"%s\"/>"
               "<text x=\"%g\" y=\"%g\">",
               kWidth - kRight + 12, y - 10, Colour(i), kWidth - kRight + 30, y) +
           EscapeXml(series[i].name) + "</text>";
  }
  return out;
}

}  // namespace

std::string EscapeXml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string LineChart(const std::string& title, const std::string& x_label,
                      const std::string& y_label, const std::vector<ChartSeries>& series) {
  size_t points = 0;
  double max = 0;
  for (const ChartSeries& s : series) {
    points = std::max(points, s.values.size());
    for (double v : s.values) max = std::max(max, v);
  }
  const double top = AxisTop(max);
  const double plot_width = kWidth - kLeft - kRight, plot_height = kHeight - kTop - kBottom;
  auto x_of = [&](size_t i) {
    return kLeft +
           (points > 1 ? plot_width * static_cast<double>(i) / static_cast<double>(points - 1) : 0);
  };
  auto y_of = [&](double v) { return kHeight - kBottom - plot_height * v / top; };
  std::string out = Open(title) + YAxis(top, y_label);
  for (size_t i = 0; i < points; i += std::max<size_t>(1, points / 10)) {
    out += StrFormat("<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%zu</text>", x_of(i),
                     kHeight - kBottom + 16, i + 1);
  }
  out += StrFormat("<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">", kLeft + plot_width / 2,
                   kHeight - 8) +
         EscapeXml(x_label) + "</text>";
  for (size_t s = 0; s < series.size(); ++s) {
    std::string path;
    for (size_t i = 0; i < series[s].values.size(); ++i) {
      path += StrFormat("%s%.1f,%.1f", i == 0 ? "" : " ", x_of(i), y_of(series[s].values[i]));
    }
    out += StrFormat("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>",
                     Colour(s), path.c_str());
  }
  return out + Legend(series) + "</svg>";
}

std::string BarChart(const std::string& title, const std::vector<std::string>& categories,
                     const std::vector<ChartSeries>& series) {
  double max = 0;
  for (const ChartSeries& s : series) {
    for (double v : s.values) max = std::max(max, v);
    for (double v : s.high) max = std::max(max, v);
  }
  const double top = AxisTop(max);
  const double plot_width = kWidth - kLeft - kRight, plot_height = kHeight - kTop - kBottom;
  const double group = plot_width / static_cast<double>(std::max<size_t>(1, categories.size()));
  const double bar = group * 0.8 / static_cast<double>(std::max<size_t>(1, series.size()));
  auto y_of = [&](double v) { return kHeight - kBottom - plot_height * std::max(0.0, v) / top; };
  std::string out = Open(title) + YAxis(top, "");
  for (size_t c = 0; c < categories.size(); ++c) {
    const double x0 = kLeft + group * static_cast<double>(c) + group * 0.1;
    out += StrFormat("<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">",
                     kLeft + group * (static_cast<double>(c) + 0.5), kHeight - kBottom + 16) +
           EscapeXml(categories[c]) + "</text>";
    for (size_t s = 0; s < series.size(); ++s) {
      if (c >= series[s].values.size()) continue;
      const double x = x0 + bar * static_cast<double>(s), value = series[s].values[c];
      out += StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                       x, y_of(value), bar * 0.9, kHeight - kBottom - y_of(value), Colour(s));
      if (c < series[s].low.size() && c < series[s].high.size()) {
        const double mid = x + bar * 0.45;
        out += StrFormat(
            "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f\" stroke=\"#333333\"/>", mid,
            y_of(series[s].low[c]), y_of(series[s].high[c]), mid - 3, y_of(series[s].low[c]),
            mid + 3, mid - 3, y_of(series[s].high[c]), mid + 3);
      }
    }
  }
  return out + Legend(series) + "</svg>";
}

std::vector<size_t> ParetoFrontier(const std::vector<std::pair<double, double>>& points) {
  std::vector<size_t> frontier;
  for (size_t i = 0; i < points.size(); ++i) {
    const auto [x, y] = points[i];
    const bool dominated = std::any_of(points.begin(), points.end(), [&](const auto& p) {
      return p.first >= x && p.second >= y && (p.first > x || p.second > y);
    });
    if (!dominated) frontier.push_back(i);
  }
  std::sort(frontier.begin(), frontier.end(),
            [&](size_t a, size_t b) { return points[a] < points[b]; });
  return frontier;
}

std::string ScatterChart(const std::string& title, const std::string& x_label,
                         const std::string& y_label, const std::vector<ChartSeries>& series) {
  std::vector<std::pair<double, double>> points;
  double max_x = 0, max_y = 0;
  for (const ChartSeries& s : series) {
    points.emplace_back(s.values.size() > 0 ? s.values[0] : 0,
                        s.values.size() > 1 ? s.values[1] : 0);
    max_x = std::max(max_x, points.back().first);
    max_y = std::max(max_y, points.back().second);
  }
  const double right = AxisTop(max_x), top = AxisTop(max_y);
  const double plot_width = kWidth - kLeft - kRight, plot_height = kHeight - kTop - kBottom;
  auto x_of = [&](double v) { return kLeft + plot_width * v / right; };
  auto y_of = [&](double v) { return kHeight - kBottom - plot_height * v / top; };
  std::string out = Open(title) + YAxis(top, y_label);
  for (int i = 0; i <= 5; ++i) {
    out += StrFormat("<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%.3g</text>",
                     x_of(right * i / 5), kHeight - kBottom + 16, right * i / 5);
  }
  out += StrFormat("<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">", kLeft + plot_width / 2,
                   kHeight - 8) +
         EscapeXml(x_label) + "</text>";
  std::string path;
  for (size_t i : ParetoFrontier(points)) {
    path += StrFormat("%s%.1f,%.1f", path.empty() ? "" : " ", x_of(points[i].first),
                      y_of(points[i].second));
  }
  out += StrFormat(
      "<polyline fill=\"none\" stroke=\"#888888\" stroke-dasharray=\"4 3\" points=\"%s\"/>",
      path.c_str());
  for (size_t s = 0; s < points.size(); ++s) {
    out += StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>", x_of(points[s].first),
                     y_of(points[s].second), Colour(s));
  }
  return out + Legend(series) + "</svg>";
}

}  // namespace recsys::eval
