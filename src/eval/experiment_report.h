// An experiment analysis's report: JSON (report.json) and a ReportDocument (report.md, the HTML
// page) with the verdict first, the gates that decided it, per-variant figures with intervals and
// a chart of the primary metric. Pure; thread-safe.
#pragma once

#include <string>

#include "eval/experiment_analysis.h"
#include "eval/report_document.h"

namespace recsys::eval {

std::string ExperimentReportJson(const ExperimentReport& report);
ReportDocument ExperimentReportDocument(const ExperimentReport& report, const std::string& tenant);

}  // namespace recsys::eval
