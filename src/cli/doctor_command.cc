// `recsys-service doctor --tenant T [--surface S]` (cli.md): checks, in order, what makes a
// tenant's recommendations empty or stale, printing one line per check (ok / warn / fail) with the
// command that fixes it. Exit 1 when a check fails.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/commands.h"
#include "cli/serve_config.h"
#include "core/parse_number.h"
#include "core/ranker.h"
#include "obs/log.h"
#include "store/migrator.h"
#include "store/pg.h"
#include "store/state_loader.h"

namespace recsys::cli {
namespace {

constexpr int kStaleDays = 7;

class Report {
 public:
  void Ok(const char* check, const std::string& detail) { Line("ok", check, detail, ""); }
  void Warn(const char* check, const std::string& detail, const std::string& fix) {
    Line("warn", check, detail, fix);
  }
  void Fail(const char* check, const std::string& detail, const std::string& fix) {
    failed_ = true;
    Line("fail", check, detail, fix);
  }
  bool failed() const { return failed_; }

 private:
  void Line(const char* level, const char* check, const std::string& detail,
            const std::string& fix) {
    std::printf("%-5s %-12s %s\n", level, check, detail.c_str());
    if (!fix.empty()) std::printf("      %-12s fix: %s\n", "", fix.c_str());
  }
  bool failed_ = false;
};

// The first cell of `sql` as text, or "" (also on error).
std::string One(store::PgConnection& conn, const std::string& sql,
                const std::vector<store::PgParam>& params = {}) {
  auto r = conn.Query(sql, params);
  return r.ok() && r.value().rows() > 0 ? std::string(r.value().Get(0, 0)) : "";
}

// Config and rules as stored, and what serving would make of them.
void CheckDocuments(const service::TenantState& tenant, store::PgConnection& conn,
                    const std::string& T, Report& report) {
  const std::string config = One(conn,
                                 "SELECT v.config::text FROM tenant_configs_current c "
                                 "JOIN tenant_config_versions v ON v.id = c.config_version_id "
                                 "WHERE c.tenant_id = $1",
                                 {tenant.id});
  const std::string put = "PUT /v1/admin/tenants/" + T;
  if (config.empty()) {
    report.Warn("config", "none saved: defaults apply (popularity only)", put + "/config");
  } else if (auto parsed = ParseTenantConfig(config); !parsed.ok()) {
    report.Fail(
        "config",
        "stored config is invalid (" + parsed.status().message() + "): serving uses defaults",
        put + "/config with a valid document");
  } else {
    report.Ok("config", "version " + tenant.config_etag.substr(0, 12));
  }
  const std::string rules = One(conn,
                                "SELECT v.rules::text FROM tenant_rules_current c "
                                "JOIN tenant_rule_versions v ON v.id = c.rules_version_id "
                                "WHERE c.tenant_id = $1",
                                {tenant.id});
  if (rules.empty()) {
    report.Ok("rules", "none");
  } else if (auto parsed = ParseRules(rules); !parsed.ok()) {
    report.Fail("rules",
                "stored rules are invalid (" + parsed.status().message() + "): serving uses none",
                put + "/rules with a valid document");
  } else {
    report.Ok("rules", std::to_string(parsed.value().size()) + " rule(s)");
  }
}

void CheckSignals(store::PgConnection& conn, const service::TenantState& tenant,
                  const std::string& T, const std::string& surface, Report& report) {
  const std::string fix = "recsys-service signals build --tenant " + T +
                          " (after importing events: recsys-service import events --tenant " + T +
                          " FILE)";
  const std::string newest = One(conn,
                                 "SELECT max(day)::text FROM item_popularity_daily "
                                 "WHERE tenant_id = $1 AND namespace IN ($2, 'default')",
                                 {tenant.id, surface});
  if (newest.empty()) {
    report.Fail("signals",
                "no popularity rows for surface \"" + surface + "\" nor the default namespace",
                fix);
    return;
  }
  report.Ok("signals", "popularity present, newest day " + newest);
  const std::string age = One(conn, "SELECT current_date - $1::date", {newest});
  if (ParseInt64(age).value_or(0) > kStaleDays) {
    report.Warn("freshness", "newest signal day is " + age + " days old", fix);
  } else {
    report.Ok("freshness", "newest signal day is " + age + " day(s) old");
  }
  const std::string recent = One(conn,
                                 "SELECT count(*) FROM interaction_events WHERE tenant_id = $1 "
                                 "AND occurred_at > now() - interval '1 day'",
                                 {tenant.id});
  if (recent == "0") {
    report.Warn("events", "no events in the last 24 hours",
                "send POST /v1/events (or recsys-service import events --tenant " + T + " FILE)");
  } else {
    report.Ok("events", recent + " event(s) in the last 24 hours");
  }
}

void CheckOperations(store::PgConnection& conn, Report& report) {
  const std::string missing =
      One(conn,
          "SELECT count(*) FROM generate_series(0, 2) m, unnest(ARRAY['exposure_events', "
          "'interaction_events']) p WHERE to_regclass(p || '_p' || to_char(date_trunc('month', "
          "now() AT TIME ZONE 'UTC') + make_interval(months => m), 'YYYYMM')) IS NULL");
  if (missing != "0") {
    report.Fail("partitions", missing + " monthly log partition(s) of the next 3 months missing",
                "recsys-service partitions ensure");
  } else {
    report.Ok("partitions", "this month and 2 ahead exist");
  }
  auto spill_dir = ProcessEnv()("RECSYS_SPILL_DIR").value_or(".recsys-spill");
  int files = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(spill_dir, ec)) {
    if (entry.path().filename().string().rfind("exposures-", 0) == 0) ++files;
  }
  if (files > 0) {
    report.Warn("exposures", std::to_string(files) + " spill file(s) waiting in " + spill_dir,
                "keep serve running with the database reachable: it replays them");
  } else {
    report.Ok("exposures", "no spilled rows waiting in " + spill_dir);
  }
}

// Ranks a plain request the way /v1/recommend would, with and without the rules.
void CheckDryRun(const service::TenantState& tenant, const std::string& T,
                 const std::string& surface, Report& report) {
  bool fell_back = false;
  const SignalSnapshot* snapshot = tenant.SnapshotFor(surface, &fell_back);
  if (snapshot == nullptr) {
    report.Fail("dry run", "no signal snapshot for \"" + surface + "\": nothing can be ranked",
                "recsys-service signals build --tenant " + T);
    return;
  }
  RecommendRequest request;
  request.surface = surface;
  request.user_id = "recsys-doctor";
  request.k = 10;
  RankScratch scratch;
  const TimestampUs now = NowUs();
  const auto* unavailable = tenant.UnavailableIn(snapshot);
  RankResult ranked =
      Recommend({request, *snapshot, tenant.config, tenant.rules, now, unavailable}, scratch);
  if (!ranked.items.empty()) {
    const bool all_pinned = std::all_of(ranked.items.begin(), ranked.items.end(),
                                        [](const RankedItem& i) { return i.reasons & kReasonPin; });
    if (all_pinned) {
      report.Warn("rules", "every item of the dry run is pinned: signals never show",
                  "GET /v1/admin/tenants/" + T + "/rules and narrow the pin rules");
    }
    report.Ok("dry run", std::to_string(ranked.items.size()) + " item(s) for surface \"" + surface +
                             "\"" + (fell_back ? " (default namespace)" : ""));
    return;
  }
  RankResult unruled =
      Recommend({request, *snapshot, tenant.config, {}, now, unavailable}, scratch);
  if (!unruled.items.empty()) {
    report.Fail("dry run", "no items: the rules block every candidate",
                "GET /v1/admin/tenants/" + T + "/rules and remove or narrow the block rules");
  } else {
    report.Fail("dry run", "no items: every item is unavailable or filtered",
                "PUT /v1/catalog/items with available items, then wait a second");
  }
}

int Diagnose(const std::string& T, const std::string& surface) {
  Report report;
  auto url = ProcessEnv()("DATABASE_URL");
  auto conn = url && !url->empty()
                  ? store::PgConnection::Connect(*url, 5)
                  : Result<store::PgConnection>(Status::InvalidArgument("DATABASE_URL is not set"));
  if (!conn.ok()) {
    report.Fail("database", conn.status().message(),
                "set DATABASE_URL to a reachable PostgreSQL (./run starts a local one)");
    return 1;
  }
  report.Ok("database", "reachable, " + One(conn.value(), "SHOW server_version"));
  if (Status s = store::Migrator(conn.value(), store::EmbeddedMigrations()).CheckCurrent();
      !s.ok()) {
    report.Fail("migrations", s.message(), "recsys-service migrate up");
    return 1;
  }
  report.Ok("migrations", "current");
  service::SignalReload only;
  only.tenants = {T};
  only.only = true;
  store::StateLoader loader(*url);
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
  CheckDocuments(*tenant, conn.value(), T, report);
  CheckSignals(conn.value(), *tenant, T, surface, report);
  CheckOperations(conn.value(), report);
  CheckDryRun(*tenant, T, surface, report);
  return report.failed() ? 1 : 0;
}

}  // namespace

int RunDoctor(const std::string& T, const std::string& surface) {
  obs::InitLogging(obs::Level::kWarn);  // the report is the output; no info lines around it
  const int code = Diagnose(T, surface);
  obs::ShutdownLogging();
  return code;
}

}  // namespace recsys::cli
