// `recsys-service doctor --tenant T [--surface S]` (cli.md): checks, in order, what makes a
// tenant's recommendations empty or stale, printing one line per check (ok / warn / fail) with the
// command that fixes it. Exit 1 when a check fails.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/command_env.h"
#include "cli/commands.h"
#include "cli/serve_config.h"
#include "core/parse_number.h"
#include "core/ranker.h"
#include "obs/log.h"
#include "store/doctor.h"
#include "store/migrator.h"
#include "store/pg.h"
#include "store/replica_status.h"
#include "store/state_loader.h"

namespace recsys::cli {
namespace {

// Prints each check as it is made.
void Print(const service::DoctorCheck& c) {
  std::printf("%-5s %-12s %s\n", c.level.c_str(), c.name.c_str(), c.detail.c_str());
  if (!c.fix.empty()) std::printf("      %-12s fix: %s\n", "", c.fix.c_str());
}

// The checks made here before the tenant's own: printed at once, as they may be the last.
class Report {
 public:
  void Ok(const char* check, const std::string& detail) { Print({"ok", check, detail, ""}); }
  void Fail(const char* check, const std::string& detail, const std::string& fix) {
    Print({"fail", check, detail, fix});
  }
};

// With RECSYS_DATABASE_READ_URL: the standby is one, and how far it is behind the primary.
// Returns false when the check fails.
bool CheckReplica(Report& report) {
  auto standby_url = ProcessEnv()("RECSYS_DATABASE_READ_URL");
  if (!standby_url || standby_url->empty()) return true;
  auto primary = ConnectFromEnv();
  auto standby = store::PgConnection::Connect(*standby_url);
  if (!primary.ok() || !standby.ok()) {
    report.Fail("replica", (primary.ok() ? standby : primary).status().message(),
                "check DATABASE_URL and RECSYS_DATABASE_READ_URL");
    return false;
  }
  auto status = store::ReadReplicaStatus(primary.value(), standby.value());
  if (!status.ok()) {
    report.Fail("replica", status.status().message(), "check the standby's server log");
    return false;
  }
  // 16 MB: one WAL segment, a second or so of a busy primary's writes.
  const store::ReplicaVerdict verdict = store::JudgeReplica(status.value(), int64_t{16} << 20);
  Print({verdict.level, "replica", verdict.detail,
         verdict.level == "ok" ? "" : "see docs/scaling.md, \"Read replicas\""});
  return verdict.level != "fail";
}

int Diagnose(const std::string& T, const std::string& surface) {
  Report report;
  // Every check reads: on the standby when RECSYS_DATABASE_READ_URL names one.
  const std::string url = ReadUrlFromEnv();
  auto conn = ConnectForReadsFromEnv();
  if (!conn.ok()) {
    report.Fail("database", conn.status().message(),
                "set DATABASE_URL to a reachable PostgreSQL (./run starts a local one)");
    return 1;
  }
  auto version = conn.value().Query("SHOW server_version");
  report.Ok("database", "reachable, " + std::string(version.ok() && version.value().rows() > 0
                                                        ? version.value().Get(0, 0)
                                                        : ""));
  if (Status s = store::Migrator(conn.value(), store::EmbeddedMigrations()).CheckCurrent();
      !s.ok()) {
    report.Fail("migrations", s.message(), "recsys-service migrate up");
    return 1;
  }
  report.Ok("migrations", "current");
  if (!CheckReplica(report)) return 1;
  service::SignalReload only;
  only.tenants = {T};
  only.only = true;
  store::StateLoader loader(url);
  loader.UseSignalPins();  // the tenant as serve loads it
  auto state = loader.Load(nullptr, only, NowUs());
  const service::TenantState* tenant = state.ok() ? state.value()->Find(T) : nullptr;
  if (!state.ok()) {
    report.Fail("tenant", "could not load: " + state.status().message(), "check the database");
    return 1;
  }
  if (tenant == nullptr) {
    report.Fail("tenant", "\"" + T + "\" does not exist", "recsys-service tenants create " + T);
    return 1;
  }
  if (!tenant->active()) {
    report.Fail("tenant",
                "\"" + T + "\" is " + service::TenantStatusName(tenant->status) +
                    ": every request gets 403",
                "recsys-service tenants activate " + T);
    return 1;
  }
  report.Ok("tenant", "\"" + T + "\" is active");
  store::Diagnosis diagnosis;
  store::DiagnoseTenant(conn.value(), *tenant, surface, SpillDirOf(ProcessEnv()), diagnosis);
  for (const service::DoctorCheck& c : diagnosis.checks()) Print(c);
  return diagnosis.failed() ? 1 : 0;
}

}  // namespace

int RunDoctor(const std::string& T, const std::string& surface) {
  obs::InitLogging(obs::Level::kWarn);  // the report is the output; no info lines around it
  const int code = Diagnose(T, surface);
  obs::ShutdownLogging();
  return code;
}

}  // namespace recsys::cli
