// Operational endpoints: GET /healthz, GET /readyz, GET /v1/license, GET /metrics and
// GET /openapi.json (the API's OpenAPI 3.1 document).
#pragma once

#include <functional>

#include "http/router.h"
#include "obs/metrics.h"
#include "service/readiness.h"

namespace recsys::http {

// /healthz answers 200 while the process runs. /readyz answers 200 {"status":"ready"} when
// `readiness` says so, else 503 problem+json with code RECSYS_UNAVAILABLE plus `ready: false`,
// the failing `probe` and its `reason`. REQUIRES: `readiness` is thread-safe and outlives the
// router.
// GET /metrics: request counters and latency histogram plus `gauges()` (Prometheus text). It
// carries counts only, no tenant data, and needs no credentials.
void AddOpsRoutes(Router& router, std::function<service::ReadinessMonitor::Verdict()> readiness,
                  std::function<obs::Metrics::Gauges()> gauges);

}  // namespace recsys::http
