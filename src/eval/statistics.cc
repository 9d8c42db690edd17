#include "eval/statistics.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace recsys::eval {
namespace {

// Regularized lower incomplete gamma P(a, x) by its power series; converges fast for x < a + 1.
double LowerGammaSeries(double a, double x) {
  double term = 1 / a, sum = term;
  for (int n = 1; n < 10000; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * 1e-15) break;
  }
  return sum * std::exp(-x + a * std::log(x) - std::lgamma(a));
}

// Regularized upper incomplete gamma Q(a, x) by its continued fraction (modified Lentz); for
// x >= a + 1.
double UpperGammaFraction(double a, double x) {
  constexpr double kTiny = 1e-300;
  double b = x + 1 - a, c = 1 / kTiny, d = 1 / b, h = d;
  for (int i = 1; i < 10000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < 1e-15) break;
  }
  return std::exp(-x + a * std::log(x) - std::lgamma(a)) * h;
}

// A uniform index in [0, n) from 64 random bits (multiply-shift: no division, bias < n / 2^64).
size_t UniformIndex(uint64_t bits, size_t n) {
  return static_cast<size_t>((static_cast<unsigned __int128>(bits) * n) >> 64);
}

}  // namespace

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double TwoSidedP(double z) { return std::min(1.0, std::erfc(std::fabs(z) / std::sqrt(2.0))); }

double ChiSquareUpperTail(double x, int degrees) {
  if (x <= 0) return 1;
  const double a = degrees / 2.0, half = x / 2;
  return half < a + 1 ? 1 - LowerGammaSeries(a, half) : UpperGammaFraction(a, half);
}

std::vector<Interval> BootstrapMeanIntervals(std::span<const double> values, size_t columns,
                                             int resamples, uint64_t seed, double level) {
  std::vector<Interval> intervals(columns);
  const size_t rows = columns == 0 ? 0 : values.size() / columns;
  if (rows == 0 || resamples <= 0) return intervals;
  std::mt19937_64 random(seed);
  // means[c * resamples + b]: column c's mean in resample b.
  std::vector<double> means(columns * static_cast<size_t>(resamples));
  std::vector<double> sums(columns);
  for (int b = 0; b < resamples; ++b) {
    std::fill(sums.begin(), sums.end(), 0.0);
    for (size_t draw = 0; draw < rows; ++draw) {
      const double* row = values.data() + UniformIndex(random(), rows) * columns;
      for (size_t c = 0; c < columns; ++c) sums[c] += row[c];
    }
    for (size_t c = 0; c < columns; ++c) {
      means[c * resamples + b] = sums[c] / static_cast<double>(rows);
    }
  }
  const double tail = (1 - level) / 2;
  for (size_t c = 0; c < columns; ++c) {
    auto first = means.begin() + static_cast<std::ptrdiff_t>(c * resamples);
    std::sort(first, first + resamples);
    auto at = [&](double q) {
      const auto index = static_cast<std::ptrdiff_t>(std::lround(q * (resamples - 1)));
      return *(first + index);
    };
    intervals[c] = {at(tail), at(1 - tail)};
  }
  return intervals;
}

PairedTest TestPairedDifferences(std::span<const double> differences) {
  PairedTest test;
  const double n = static_cast<double>(differences.size());
  if (differences.empty()) return test;
  double sum = 0;
  for (double d : differences) sum += d;
  test.mean = sum / n;
  if (differences.size() < 2) return test;
  double squares = 0;
  for (double d : differences) squares += (d - test.mean) * (d - test.mean);
  const double standard_error = std::sqrt(squares / (n - 1) / n);
  if (standard_error > 0) {
    test.p_value = TwoSidedP(test.mean / standard_error);
  } else {
    test.p_value = test.mean == 0 ? 1 : 0;  // every pair differs by the same nonzero amount
  }
  return test;
}

double RatioSums::RatioVariance() const {
  if (units < 2 || n <= 0) return 0;
  const double r = Ratio();
  const double mean_n = n / units;
  const double residual = std::max(0.0, xx - 2 * r * xn + r * r * nn) / (units - 1);
  return residual / (units * mean_n * mean_n);
}

GroupComparison CompareRatios(const RatioSums& control, const RatioSums& treatment) {
  GroupComparison out;
  out.control = control.Ratio();
  out.treatment = treatment.Ratio();
  out.difference = out.treatment - out.control;
  const double variance = control.RatioVariance() + treatment.RatioVariance();
  const double se = std::sqrt(variance);
  out.difference_interval = out.sequential_interval = {out.difference, out.difference};
  if (variance > 0) {
    out.z = out.difference / se;
    out.p_value = TwoSidedP(out.z);
    out.difference_interval = {out.difference - kZ95 * se, out.difference + kZ95 * se};
    // Mixture SPRT with a normal mixing distribution N(0, tau^2) over the true difference.
    const double scale = out.control > 0 ? out.control : std::max(out.treatment, 1e-6);
    const double tau2 = 0.01 * scale * scale;
    const double log_lambda =
        0.5 * std::log(variance / (variance + tau2)) +
        tau2 * out.difference * out.difference / (2 * variance * (variance + tau2));
    out.sequential_p = std::min(1.0, std::exp(-log_lambda));
    constexpr double kAlpha = 0.05;
    const double half_width =
        std::sqrt(2 * variance * (variance + tau2) / tau2 *
                  (std::log(1 / kAlpha) + 0.5 * std::log((variance + tau2) / variance)));
    out.sequential_interval = {out.difference - half_width, out.difference + half_width};
  }
  if (out.control != 0) {
    // The ratio of two estimates: the delta method counts the control's uncertainty too.
    const double c = out.control, t = out.treatment;
    out.relative_lift = out.difference / c;
    const double lift_se = std::sqrt(treatment.RatioVariance() / (c * c) +
                                     t * t * control.RatioVariance() / (c * c * c * c));
    out.lift_interval = {out.relative_lift - kZ95 * lift_se, out.relative_lift + kZ95 * lift_se};
  }
  return out;
}

SampleRatioCheck CheckSampleRatio(std::span<const int64_t> observed,
                                  std::span<const double> weights) {
  SampleRatioCheck check;
  double total = 0, weight_sum = 0;
  for (int64_t o : observed) total += static_cast<double>(o);
  for (double w : weights) weight_sum += w;
  if (observed.size() < 2 || observed.size() != weights.size() || weight_sum <= 0) return check;
  for (size_t i = 0; i < observed.size(); ++i) {
    const double expected = total * weights[i] / weight_sum;
    check.expected.push_back(expected);
    if (expected > 0) {
      const double gap = static_cast<double>(observed[i]) - expected;
      check.chi_square += gap * gap / expected;
    }
  }
  check.p_value = ChiSquareUpperTail(check.chi_square, static_cast<int>(observed.size()) - 1);
  return check;
}

double SignTestP(int64_t wins, int64_t losses) {
  const int64_t n = wins + losses;
  if (n == 0) return 1;
  const int64_t fewer = std::min(wins, losses);
  if (n > 2000) {
    const double z = (static_cast<double>(n - 2 * fewer) - 1) / std::sqrt(static_cast<double>(n));
    return TwoSidedP(std::max(0.0, z));
  }
  const double log_half_n = -static_cast<double>(n) * std::log(2.0);
  const double log_n_factorial = std::lgamma(static_cast<double>(n) + 1);
  double tail = 0;
  for (int64_t i = 0; i <= fewer; ++i) {
    tail += std::exp(log_n_factorial - std::lgamma(static_cast<double>(i) + 1) -
                     std::lgamma(static_cast<double>(n - i) + 1) + log_half_n);
  }
  return std::min(1.0, 2 * tail);
}

}  // namespace recsys::eval
