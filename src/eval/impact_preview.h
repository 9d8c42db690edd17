// service::ImpactPreviewer by replay: reads the sample of logged requests, ranks each one twice
// through RecommendService::RankLoggedTwice (the serving ranker, the current snapshots and
// history), tallies the differences (core/impact_metrics.h), and, over the responses that were
// logged while exploring, estimates the draft's clicks per response off-policy
// (eval/off_policy.h). The report states what it could not do: a capped sample, a deadline that
// stopped the replay, requests that no longer parse, and draft settings that change how signals
// are built (half-life, windows, event weights), which a replay against the current snapshots
// cannot show. Thread-safe when `source` is; each call is independent.
#pragma once

#include "service/impact_preview.h"
#include "service/recommend_service.h"
#include "service/serving_state.h"

namespace recsys::eval {

// Importance weights above this are clipped (as `eval offpolicy --clip` defaults).
inline constexpr double kPreviewMaxWeight = 100;

class ReplayPreviewer : public service::ImpactPreviewer {
 public:
  // REQUIRES: all three outlive the previewer.
  ReplayPreviewer(service::ExposureSampleSource& source, const service::StateHolder& state,
                  const service::RecommendService& recommend)
      : source_(source), state_(state), recommend_(recommend) {}

  Result<service::ImpactReport> Preview(const service::TenantRef& tenant,
                                        const service::PreviewRequest& request,
                                        const service::PreviewBudget& budget) const override;

 private:
  service::ExposureSampleSource& source_;
  const service::StateHolder& state_;
  const service::RecommendService& recommend_;
};

}  // namespace recsys::eval
