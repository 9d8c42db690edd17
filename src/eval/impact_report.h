// An impact preview's report for people: a few lines of text (what `eval preview` prints) and a
// ReportDocument (the stored report's Markdown and HTML, served by the console's Reports page),
// with one chart: the share of responses changed, and catalog coverage before and after. The
// JSON form is service/impact_report_json.h. Pure; thread-safe.
#pragma once

#include <string>

#include "eval/report_document.h"
#include "service/impact_preview.h"

namespace recsys::eval {

// The figures as plain text lines, ending with a newline.
std::string ImpactReportText(const service::ImpactReport& report);

// `title` names the drafts (e.g. file names) for the reader.
ReportDocument ImpactReportDocument(const service::ImpactReport& report, const std::string& title);

}  // namespace recsys::eval
