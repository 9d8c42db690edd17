#include "store/doctor.h"

#include <algorithm>
#include <filesystem>

#include "core/parse_number.h"
#include "core/ranker.h"
#include "core/rules.h"
#include "core/tenant_config.h"
#include "store/signal_pins.h"

namespace recsys::store {
namespace {

constexpr int kStaleDays = 7;

// The first cell of `sql` as text, or "" (also on error).
std::string One(PgConnection& conn, const std::string& sql,
                const std::vector<PgParam>& params = {}) {
  auto r = conn.Query(sql, params);
  return r.ok() && r.value().rows() > 0 ? std::string(r.value().Get(0, 0)) : "";
}

// Config and rules as stored, and what serving would make of them.
void CheckDocuments(const service::TenantState& tenant, PgConnection& conn, const std::string& T,
                    Diagnosis& report) {
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

void CheckSignals(PgConnection& conn, const service::TenantState& tenant, const std::string& T,
                  const std::string& surface, Diagnosis& report) {
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

// A pinned signal version (store/signal_pins.h) is an old build served on purpose: never to be
// forgotten once newer builds land, and it must be what this instance serves.
void CheckSignalVersion(PgConnection& conn, const service::TenantState& tenant,
                        const std::string& T, Diagnosis& report) {
  auto read = ReadSignalPin(conn, tenant.id);
  if (!read.ok()) return;  // the connection is gone: the caller reports it
  const service::SignalPin& pin = read.value();
  if (pin.version == 0) {
    report.Ok("signal version", "not pinned: the newest build is served");
    return;
  }
  const std::string v = std::to_string(pin.version);
  const std::string unpin = "recsys-service signals unpin --tenant " + T +
                            " (or POST /v1/admin/tenants/" + T + "/signals/unpin)";
  if (tenant.pinned_version != pin.version) {
    report.Fail(
        "signal version",
        "pinned to version " + v + " but this instance serves " +
            (tenant.pinned_version == 0 ? std::string("the newest build")
                                        : "version " + std::to_string(tenant.pinned_version)) +
            ": the version could not be read (see the log)",
        unpin + ", or roll back to another version");
    return;
  }
  report.Warn("signal version",
              "pinned to version " + v + " since " + pin.pinned_at + " by " + pin.pinned_by + "; " +
                  std::to_string(pin.newer_versions) +
                  " newer build(s) and today's live events are not served",
              unpin);
}

void CheckOperations(PgConnection& conn, const std::string& spill_dir, Diagnosis& report) {
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
                 const std::string& surface, Diagnosis& report) {
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

}  // namespace

bool Diagnosis::failed() const {
  return std::any_of(checks_.begin(), checks_.end(),
                     [](const service::DoctorCheck& c) { return c.level == "fail"; });
}

void DiagnoseTenant(PgConnection& conn, const service::TenantState& tenant,
                    const std::string& surface, const std::string& spill_dir, Diagnosis& report) {
  const std::string& T = tenant.external_id;
  CheckDocuments(tenant, conn, T, report);
  CheckSignals(conn, tenant, T, surface, report);
  CheckSignalVersion(conn, tenant, T, report);
  CheckOperations(conn, spill_dir, report);
  CheckDryRun(tenant, T, surface, report);
}

}  // namespace recsys::store
