// An off-policy evaluation's report (`eval offpolicy`): per config its IPS and SNIPS estimates of
// clicks per response with the effective sample size, against what the logged responses earned.
// JSON and a ReportDocument. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "eval/off_policy.h"
#include "eval/report_document.h"

namespace recsys::eval {

struct OffPolicyConfigResult {
  std::string name, config_json;
  OffPolicyEstimate estimate;
};

struct OffPolicyReport {
  std::string from, to;  // RFC 3339
  double max_weight = 0;
  int64_t responses = 0, responses_without_history = 0;
  std::vector<OffPolicyConfigResult> configs;
};

std::string OffPolicyReportJson(const OffPolicyReport& report);
ReportDocument OffPolicyReportDocument(const OffPolicyReport& report, const std::string& tenant);

}  // namespace recsys::eval
