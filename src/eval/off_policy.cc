#include "eval/off_policy.h"

#include <algorithm>
#include <cmath>

namespace recsys::eval {

OffPolicyEstimate EstimateOffPolicy(std::span<const LoggedSlate> slates, double max_weight) {
  OffPolicyEstimate out;
  out.slates = static_cast<int64_t>(slates.size());
  if (slates.empty()) return out;
  std::vector<double> position_clicks, position_weights;  // SNIPS numerator and denominator
  double sum = 0, sum_squares = 0, weight_sum = 0, weight_squares = 0, logged = 0;
  for (const LoggedSlate& slate : slates) {
    double contribution = 0;
    double prefix_propensity = 1;
    bool prefix_matches = true;
    for (size_t slot = 0; slot < slate.items.size(); ++slot) {
      ++out.slots;
      logged += slate.clicked[slot];
      prefix_matches =
          prefix_matches && slot < slate.target.size() && slate.target[slot] == slate.items[slot];
      if (!prefix_matches) continue;
      ++out.matched_slots;
      prefix_propensity *= slate.propensities[slot];
      double weight = 1 / std::max(1e-12, prefix_propensity);
      if (weight > max_weight) {
        weight = max_weight;
        ++out.clipped;
      }
      contribution += weight * slate.clicked[slot];
      weight_sum += weight;
      weight_squares += weight * weight;
      if (position_clicks.size() <= slot) {
        position_clicks.resize(slot + 1);
        position_weights.resize(slot + 1);
      }
      position_clicks[slot] += weight * slate.clicked[slot];
      position_weights[slot] += weight;
    }
    sum += contribution;
    sum_squares += contribution * contribution;
  }
  const double n = static_cast<double>(slates.size());
  out.logged_clicks = logged / n;
  out.ips = sum / n;
  if (slates.size() > 1) {
    const double variance = std::max(0.0, (sum_squares - n * out.ips * out.ips) / (n - 1));
    out.ips_standard_error = std::sqrt(variance / n);
  }
  out.ips_interval = {out.ips - kZ95 * out.ips_standard_error,
                      out.ips + kZ95 * out.ips_standard_error};
  for (size_t slot = 0; slot < position_clicks.size(); ++slot) {
    if (position_weights[slot] > 0) out.snips += position_clicks[slot] / position_weights[slot];
  }
  if (weight_squares > 0) out.effective_sample_size = weight_sum * weight_sum / weight_squares;
  return out;
}

}  // namespace recsys::eval
