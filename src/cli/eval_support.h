// What the `eval` subcommands share: failing with the right exit code, the tenant and its current
// config, time arguments, and publishing a report (files, then the eval_reports table).
#pragma once

#include <string>

#include "core/status.h"
#include "core/time.h"
#include "eval/offline_replay.h"
#include "eval/report_document.h"
#include "service/admin_repository.h"

namespace recsys::cli {

// Prints `status` and returns the exit code: 2 for what the caller got wrong (arguments, an
// unknown tenant, nothing to evaluate), 1 otherwise.
int EvalFail(const Status& status);

struct TenantAndConfig {
  service::TenantRef tenant;
  std::string config_json;  // "{}" when the tenant has none yet
};
// The tenant named `external_id` and its current config, from DATABASE_URL.
Result<TenantAndConfig> LoadTenantAndConfig(const std::string& external_id);

// `json` validated as a tenant config named `name`. Errors: kInvalidArgument naming both.
Result<eval::ReplayConfig> ReplayConfigOf(const std::string& name, const std::string& json);

// The config document in file `path`, named by the file's name. Errors: kInvalidArgument.
Result<eval::ReplayConfig> ReplayConfigFromFile(const std::string& path);

// [from, to) from --from / --to (YYYY-MM-DD, its first moment UTC, or RFC 3339); `to` defaults
// to now, `from` to `default_days` before `to`. Errors: kInvalidArgument naming the flag.
struct TimeWindow {
  TimestampUs from = 0, to = 0;
};
Result<TimeWindow> ParseWindow(const std::string& from, const std::string& to, int default_days);

// `json` with the dotted `path` ("weights.hist") set to `value`: a number, true, false, "auto"
// or null (both for ranking.repeat_slots). Errors: kInvalidArgument naming the setting.
Result<std::string> WithSetting(const std::string& json, const std::string& path,
                                const std::string& value);

// The stored summary of an offline report: surface, k, users, the metric and the best config.
std::string OfflineSummary(const eval::OfflineReport& report, const std::string& best,
                           eval::Metric metric);

// `text` as a JSON string literal.
std::string JsonString(const std::string& text);

// "./eval-<kind>-<tenant>-<UTC time>".
std::string DefaultOutDir(const std::string& kind, const std::string& tenant);

// Renders `document` into `report` (title, markdown, html), writes report.json, report.md,
// report.html and the charts into `dir`, stores the report, and prints where both went (on
// stdout, or on stderr with `location_to_stderr`, when stdout carries a JSON document).
// Returns the exit code.
int PublishReport(const std::string& dir, const service::TenantRef& tenant,
                  service::EvalReport report, const eval::ReportDocument& document,
                  bool location_to_stderr = false);

}  // namespace recsys::cli
