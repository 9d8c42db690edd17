#include "eval/svg_chart.h"

#include <gtest/gtest.h>

namespace recsys::eval {
namespace {

TEST(SvgChartTest, TheFrontierHoldsThePointsNoOtherBeatsOnBothAxes) {
  // (recall, new-item recall) of five configs: c is beaten by b on both, e ties d on one axis
  // and loses on the other.
  const std::vector<std::pair<double, double>> points = {
      {0.27, 0.02}, {0.20, 0.08}, {0.15, 0.05}, {0.06, 0.096}, {0.06, 0.09}};
  EXPECT_EQ(ParetoFrontier(points), (std::vector<size_t>{3, 1, 0}));
  EXPECT_TRUE(ParetoFrontier({}).empty());
}

TEST(SvgChartTest, AScatterChartDrawsEachPointAndTheFrontier) {
  const std::string svg = ScatterChart("Frontier", "recall", "new-item recall",
                                       {{"a <b>", {0.2, 0.1}, {}, {}}, {"c", {0.1, 0.05}, {}, {}}});
  EXPECT_EQ(svg.find("<svg"), 0u);
  size_t circles = 0;
  for (size_t at = svg.find("<circle"); at != std::string::npos; at = svg.find("<circle", at + 1))
    ++circles;
  EXPECT_EQ(circles, 2u);
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_NE(svg.find("a &lt;b&gt;"), std::string::npos);
}

}  // namespace
}  // namespace recsys::eval
