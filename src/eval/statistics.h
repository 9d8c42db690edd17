// The statistics evaluation reports rest on: normal and chi-square tail probabilities, percentile
// bootstrap intervals, a paired test, a two-sample test on ratio metrics with the user as the unit
// (delta method), an always-valid (mSPRT) version of it for peeking, a sample-ratio-mismatch check
// and a sign test. Pure functions of their arguments; thread-safe. Every p-value is two-sided.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace recsys::eval {

inline constexpr double kZ95 = 1.959963984540054;  // the standard normal's 97.5th percentile

struct Interval {
  double low = 0, high = 0;
};

// P(Z <= z) for a standard normal Z.
double NormalCdf(double z);
// Two-sided p-value of a z statistic.
double TwoSidedP(double z);
// P(X >= x) for X chi-square with `degrees` (>= 1) degrees of freedom; 1 for x <= 0.
double ChiSquareUpperTail(double x, int degrees);

// Percentile bootstrap of the means of `columns` columns over `rows` rows (row-major: row r,
// column c at values[r * columns + c]): `resamples` resamples of the rows with replacement, drawn
// from `seed` (the same seed gives the same intervals), one interval per column at `level`.
// REQUIRES: values.size() is a multiple of columns; rows >= 1 for a meaningful interval (zero rows
// give [0, 0]).
std::vector<Interval> BootstrapMeanIntervals(std::span<const double> values, size_t columns,
                                             int resamples, uint64_t seed, double level = 0.95);

struct PairedTest {
  double mean = 0;     // mean difference
  double p_value = 1;  // normal approximation of the paired t-test (users are many)
};
// Tests whether the mean of paired `differences` is zero. Fewer than two values give p = 1.
PairedTest TestPairedDifferences(std::span<const double> differences);

// Sums over the units (users) of one group for a ratio metric Σx / Σn, where x is the metric's
// count or amount per user (clicked exposures, revenue) and n the user's exposures.
struct RatioSums {
  double units = 0;  // users
  double x = 0, n = 0, xx = 0, nn = 0, xn = 0;
  void Add(double unit_x, double unit_n) {
    units += 1;
    x += unit_x;
    n += unit_n;
    xx += unit_x * unit_x;
    nn += unit_n * unit_n;
    xn += unit_x * unit_n;
  }
  double Ratio() const { return n > 0 ? x / n : 0; }
  // Variance of Ratio() by the delta method with users as independent units (exposures of one
  // user are correlated, so counting exposures as independent would overstate certainty). With
  // one exposure per user this is the two-proportion test's unpooled variance p(1-p)/n.
  double RatioVariance() const;
};

struct GroupComparison {
  double control = 0, treatment = 0;  // the two ratios
  double difference = 0;              // treatment - control
  Interval difference_interval;       // 95 %
  double relative_lift = 0;           // difference / control (0 when control is 0)
  Interval lift_interval;             // 95 %, by the delta method for treatment / control
  double z = 0, p_value = 1;
  // Always-valid (mixture SPRT) versions: valid however often the data is looked at.
  double sequential_p = 1;
  Interval sequential_interval;
};
// Compares two groups' ratios: a z test on the difference with the delta-method variance (the
// two-proportion test when every user saw one exposure), its 95 % interval, and the always-valid
// p-value and interval of a normal-mixture SPRT whose mixing scale is 10 % of the control ratio
// (docs/evaluation.md says why).
GroupComparison CompareRatios(const RatioSums& control, const RatioSums& treatment);

struct SampleRatioCheck {
  double chi_square = 0;
  double p_value = 1;
  std::vector<double> expected;  // per group
};
// Chi-square goodness of fit of `observed` counts per group against `weights` (any positive
// scale). REQUIRES: same sizes, >= 2 groups, weights > 0.
SampleRatioCheck CheckSampleRatio(std::span<const int64_t> observed,
                                  std::span<const double> weights);

// Two-sided sign test: the probability, if wins and losses were equally likely, of a split at
// least this uneven. Exact binomial up to 2,000 trials, a normal approximation beyond.
double SignTestP(int64_t wins, int64_t losses);

}  // namespace recsys::eval
