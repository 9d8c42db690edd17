// An offline replay's report: JSON for machines (report.json), and a ReportDocument for people
// (report.md, the HTML page) with a recall@k chart per config and a bar chart per metric with
// intervals. Pure; thread-safe.
#pragma once

#include <string>

#include "eval/offline_replay.h"
#include "eval/report_document.h"

namespace recsys::eval {

std::string OfflineReportJson(const OfflineReport& report);
ReportDocument OfflineReportDocument(const OfflineReport& report, const std::string& tenant);

}  // namespace recsys::eval
