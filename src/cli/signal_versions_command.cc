// `recsys-service signals versions | rollback | unpin`: a tenant's kept signal versions, and the
// pin that serves one of them on every instance instead of the newest build
// (docs/signal-versions.md). Pins are audited as the CLI's user.
#include <cstdio>
#include <string>

#include "cli/command_env.h"
#include "cli/commands.h"
#include "core/parse_number.h"
#include "store/pg.h"
#include "store/signal_pins.h"
#include "store/signal_versions.h"

namespace recsys::cli {
namespace {

int Fail(const Status& status) {
  std::fprintf(stderr, "recsys-service: signals: %s\n", status.message().c_str());
  return status.code() == StatusCode::kNotFound || status.code() == StatusCode::kInvalidArgument
             ? 2
             : 1;
}

Result<service::TenantRef> FindTenant(store::PgConnection& conn, const std::string& external_id) {
  auto r = conn.Query("SELECT id FROM tenants WHERE external_id = $1", {external_id});
  if (!r.ok()) return r.status();
  if (r.value().rows() == 0) return Status::NotFound("no tenant " + external_id);
  return service::TenantRef{std::string(r.value().Get(0, 0)), external_id};
}

service::Actor Cli() { return {CliActor(), "cli", "", "", ""}; }

// "first..last (n)" of a build's days, or "-" when it wrote none.
std::string DaySpan(const std::vector<std::string>& days) {
  if (days.empty()) return "-";
  if (days.size() == 1) return days.front();
  return days.front() + ".." + days.back() + " (" + std::to_string(days.size()) + ")";
}

void PrintPin(const std::string& tenant, const service::SignalPin& pin) {
  if (pin.version == 0) {
    std::printf("tenant %s serves its newest signal version\n", tenant.c_str());
    return;
  }
  std::printf(
      "tenant %s is pinned to signal version %lld (since %s by %s); %lld newer version(s) "
      "not served\n",
      tenant.c_str(), static_cast<long long>(pin.version), pin.pinned_at.c_str(),
      pin.pinned_by.c_str(), static_cast<long long>(pin.newer_versions));
}

}  // namespace

int RunSignalsVersions(const std::string& tenant) {
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  auto ref = FindTenant(conn.value(), tenant);
  if (!ref.ok()) return Fail(ref.status());
  auto listed = store::ListSignalVersions(conn.value(), ref.value().id);
  if (!listed.ok()) return Fail(listed.status());
  PrintPin(tenant, listed.value().pin);
  if (listed.value().versions.empty()) {
    std::printf("no signal versions kept yet (each announced signal build keeps one)\n");
    return 0;
  }
  std::printf("%-8s %-28s %-9s %-30s %10s %10s %10s %10s %8s %12s\n", "VERSION", "BUILT_AT",
              "TRIGGER", "DAYS", "EVENTS", "POPULARITY", "COVISIT", "SEQUENCE", "ITEMS", "BYTES");
  for (const service::SignalVersionInfo& v : listed.value().versions) {
    const std::string version = std::to_string(v.version) + (v.pinned ? "*" : "");
    std::printf("%-8s %-28s %-9s %-30s %10lld %10lld %10lld %10lld %8lld %12lld\n", version.c_str(),
                v.built_at.c_str(), v.manifest.trigger.c_str(), DaySpan(v.manifest.days).c_str(),
                static_cast<long long>(v.manifest.events),
                static_cast<long long>(v.manifest.popularity_rows),
                static_cast<long long>(v.manifest.covisit_rows),
                static_cast<long long>(v.manifest.sequence_rows), static_cast<long long>(v.items),
                static_cast<long long>(v.bytes));
  }
  return 0;
}

int RunSignalsRollback(const std::string& tenant, const std::string& version) {
  const std::optional<int64_t> number = ParseInt64In(version, 1, INT64_MAX);
  if (!number) {
    return Fail(
        Status::InvalidArgument("VERSION: want a version number (signals versions lists "
                                "them), got " +
                                version));
  }
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  auto ref = FindTenant(conn.value(), tenant);
  if (!ref.ok()) return Fail(ref.status());
  auto pin = store::PinSignalVersion(conn.value(), ref.value(), *number, Cli());
  if (!pin.ok()) return Fail(pin.status());
  PrintPin(tenant, pin.value());
  std::printf(
      "every instance serves it within a second; signals unpin --tenant %s returns to the "
      "newest\n",
      tenant.c_str());
  return 0;
}

int RunSignalsUnpin(const std::string& tenant) {
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  auto ref = FindTenant(conn.value(), tenant);
  if (!ref.ok()) return Fail(ref.status());
  auto removed = store::UnpinSignals(conn.value(), ref.value(), Cli());
  if (!removed.ok()) return Fail(removed.status());
  std::printf(removed.value() ? "tenant %s unpinned: it serves its newest signal version\n"
                              : "tenant %s was not pinned; nothing changed\n",
              tenant.c_str());
  return 0;
}

}  // namespace recsys::cli
