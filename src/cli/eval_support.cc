#include "cli/eval_support.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/command_env.h"
#include "cli/serve_config.h"
#include "core/json_writer.h"
#include "core/parse_number.h"
#include "core/str_format.h"
#include "core/strict_json.h"
#include "store/admin_repository.h"
#include "store/report_store.h"

namespace recsys::cli {
namespace {

Status WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::Unavailable("cannot write " + path.string());
  return Status::Ok();
}

// A --from / --to value: YYYY-MM-DD (its first moment, UTC) or RFC 3339.
Result<TimestampUs> ParseWhen(const std::string& text, const char* flag) {
  if (auto at = ParseRfc3339(text)) return *at;
  if (auto day = ParseDate(text)) return *day * kMicrosPerDay;
  return Status::InvalidArgument(std::string(flag) + ": want YYYY-MM-DD or an RFC 3339 time");
}

}  // namespace

int EvalFail(const Status& status) {
  std::fprintf(stderr, "recsys-service: eval: %s\n", status.message().c_str());
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kUnprocessable:
      return 2;
    default:
      return 1;
  }
}

Result<TenantAndConfig> LoadTenantAndConfig(const std::string& external_id) {
  auto url = ProcessEnv()("DATABASE_URL");
  if (!url || url->empty()) {
    return Status::InvalidArgument("DATABASE_URL is not set (want a libpq URL)");
  }
  store::PgAdminRepository repo(*url, SpillDirOf(ProcessEnv()));
  auto tenant = repo.FindTenant(external_id);
  if (!tenant.ok()) return tenant.status();
  if (!tenant.value()) return Status::NotFound("no tenant \"" + external_id + "\"");
  auto current = repo.Current(*tenant.value(), service::DocKind::kConfig);
  if (!current.ok()) return current.status();
  return TenantAndConfig{*tenant.value(), current.value() ? current.value()->document : "{}"};
}

Result<TimeWindow> ParseWindow(const std::string& from, const std::string& to, int default_days) {
  TimeWindow window;
  if (to.empty()) {
    window.to = NowUs();
  } else {
    auto parsed = ParseWhen(to, "--to");
    if (!parsed.ok()) return parsed.status();
    window.to = parsed.value();
  }
  if (from.empty()) {
    window.from = window.to - default_days * kMicrosPerDay;
  } else {
    auto parsed = ParseWhen(from, "--from");
    if (!parsed.ok()) return parsed.status();
    window.from = parsed.value();
  }
  if (window.from >= window.to) return Status::InvalidArgument("--from must be before --to");
  return window;
}

Result<eval::ReplayConfig> ReplayConfigFromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument("--config " + path + ": cannot read it");
  std::stringstream text;
  text << in.rdbuf();
  return ReplayConfigOf(std::filesystem::path(path).filename().string(), text.str());
}

Result<eval::ReplayConfig> ReplayConfigOf(const std::string& name, const std::string& json) {
  auto config = ParseTenantConfig(json);
  if (!config.ok()) return Status::InvalidArgument(name + ": " + config.status().message());
  return eval::ReplayConfig{name, json, std::move(config).value()};
}

std::string JsonString(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  json::WriteString(writer, text);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string DefaultOutDir(const std::string& kind, const std::string& tenant) {
  std::string stamp = FormatRfc3339(NowUs()).substr(0, 19);
  std::replace(stamp.begin(), stamp.end(), ':', '-');
  return "eval-" + kind + "-" + tenant + "-" + stamp;
}

int PublishReport(const std::string& dir, const service::TenantRef& tenant,
                  service::EvalReport report, const eval::ReportDocument& document,
                  bool location_to_stderr) {
  report.markdown = eval::RenderMarkdown(document);
  report.html = eval::RenderHtml(document);
  report.title = document.title;
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return EvalFail(Status::Unavailable("cannot create " + dir + ": " + error.message()));
  const std::filesystem::path out(dir);
  Status written = WriteFile(out / "report.json", report.report_json);
  if (written.ok()) written = WriteFile(out / "report.md", report.markdown);
  if (written.ok()) written = WriteFile(out / "report.html", report.html);
  for (const auto& [name, svg] : document.charts) {
    if (written.ok()) written = WriteFile(out / name, svg);
  }
  if (!written.ok()) return EvalFail(written);
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return EvalFail(conn.status());
  auto id = store::SaveReport(conn.value(), tenant.id, report, CliActor());
  if (!id.ok()) return EvalFail(id.status());
  std::fprintf(location_to_stderr ? stderr : stdout,
               "report %s written to %s/ and stored: GET /v1/admin/tenants/%s/reports/%s\n",
               id.value().c_str(), dir.c_str(), tenant.external_id.c_str(), id.value().c_str());
  return 0;
}

namespace {

std::string Compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

Result<std::string> WithSetting(const std::string& json, const std::string& path,
                                const std::string& value) {
  rapidjson::Document doc;
  RETURN_IF_ERROR(ParseStrictJsonObject(json, &doc, "config"));
  rapidjson::Value* node = &doc;
  std::stringstream parts(path);
  std::string part;
  std::vector<std::string> keys;
  while (std::getline(parts, part, '.')) keys.push_back(part);
  if (keys.empty()) return Status::InvalidArgument("--grid: empty setting name");
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!node->IsObject()) return Status::InvalidArgument("--grid: " + path + " is not an object");
    auto member = node->FindMember(keys[i].c_str());
    if (member == node->MemberEnd()) {
      node->AddMember(rapidjson::Value(keys[i].c_str(), doc.GetAllocator()),
                      rapidjson::Value(rapidjson::kObjectType), doc.GetAllocator());
      member = node->FindMember(keys[i].c_str());
    }
    node = &member->value;
  }
  if (value == "true" || value == "false") {
    node->SetBool(value == "true");
  } else if (auto integer = ParseInt64(value)) {
    node->SetInt64(*integer);  // integer settings (caps, days) refuse 2.0
  } else if (auto number = ParseFiniteDouble(value)) {
    node->SetDouble(*number);
  } else if (value == "auto") {
    node->SetString("auto", doc.GetAllocator());  // ranking.repeat_slots
  } else if (value == "null") {
    node->SetNull();  // ranking.repeat_slots: the blend
  } else {
    return Status::InvalidArgument("--grid: " + path + "=" + value +
                                   ": want a number, a bool, auto or null");
  }
  return Compact(doc);
}

std::string OfflineSummary(const eval::OfflineReport& report, const std::string& best,
                           eval::Metric metric) {
  return StrFormat(R"({"surface": %s, "k": %d, "users": %lld, "metric": "%s", "best": %s})",
                   JsonString(report.surface).c_str(), report.k,
                   static_cast<long long>(report.users), eval::MetricName(metric),
                   JsonString(best).c_str());
}

}  // namespace recsys::cli
