// The impact preview's report as JSON: the body of POST .../preview, the `report` of a stored
// `eval preview` report, and `eval preview --json`. One writer, so that the three never differ;
// src/http/openapi.json (ImpactReport) and docs/impact-preview.md describe each field. Pure;
// thread-safe.
#pragma once

#include <string>

#include "service/impact_preview.h"

namespace recsys::service {

std::string ImpactReportJson(const ImpactReport& report);

}  // namespace recsys::service
