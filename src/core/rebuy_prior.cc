#include "core/rebuy_prior.h"

#include <algorithm>
#include <cmath>

namespace recsys {
namespace {

constexpr double kPseudoOccasions = 5;
constexpr double kMinPrior = 1.0 / 3, kMaxPrior = 3;

}  // namespace

double RebuyPrior(ReturnCounts item, ReturnCounts tenant) {
  if (tenant.returns == 0 || tenant.occasions == 0) return 1;
  const double rate = static_cast<double>(tenant.returns) / static_cast<double>(tenant.occasions);
  const double item_rate = (static_cast<double>(item.returns) + kPseudoOccasions * rate) /
                           (static_cast<double>(item.occasions) + kPseudoOccasions);
  return std::clamp(std::sqrt(item_rate / rate), kMinPrior, kMaxPrior);
}

}  // namespace recsys
