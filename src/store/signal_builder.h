// Turns interaction_events into the daily signal tables (ranking.md "Building signals from
// events"): item_popularity_daily, item_covisit_daily and item_sequence_daily, with set-based SQL
// in PostgreSQL (the path that also scales out on a sharded cluster; docs/decisions.md has the
// measurements).
//
// A run builds, per tenant, the days that signal_dirty_days names (every day with events when
// `full`), as many days at a time as the machine has cores (2 to 8), each day in its own
// transaction (store/signal_day.h) that replaces the day's rows and removes the dirty markers it
// saw: a day is replaced atomically, a run cut off half way leaves the remaining days marked, and a
// day written to during the run is built again next time. After a tenant's days it sends a
// `signals` change notice so every instance reloads that tenant (with `today_after_s`, only when a
// closed day was built), and keeps the tenant's new base as a signal version
// (store/signal_versions.h) when options.versions_keep > 0. One builder at a time across
// instances: a session advisory lock; a run that finds it taken returns kConflict. Not
// thread-safe (one per thread).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/connection_defaults.h"
#include "store/pg.h"

namespace recsys::store {

// Where the day's rows are computed: in this process from one streaming read of the day's events
// (core/day_signals.h; measured a little faster on one machine, so the default), or set-based SQL
// inside PostgreSQL (the path that scales out on a sharded cluster). Both write the same rows.
enum class SignalBuildMethod { kSql, kStreaming };

struct SignalBuildOptions {
  SignalBuildMethod method = SignalBuildMethod::kStreaming;
  std::string tenant;            // external id; empty: every active tenant
  std::optional<int32_t> since;  // only days >= this (days since epoch)
  bool full = false;             // every day with events, not only the marked ones
  // With live signal layers (core/live_signals.h) today is served from memory, so a run builds
  // a marked today only once its oldest mark is this old (closed days at once), and announces
  // only closed days (instances reload bases of closed days; today's rows are for other
  // readers and restarts). Zero: today like any day, announced. Ignored with `full`.
  int64_t today_after_s = 0;
  // Signal versions (store/signal_versions.h): after a tenant's build is announced, its base
  // snapshots, loaded as instances load them (`live_layers`: closed days only; at most
  // `max_items` items a namespace), are kept with the build's manifest, the newest
  // `versions_keep` of a tenant (0: none kept). A version that cannot be kept is logged; the
  // build still succeeds.
  int versions_keep = 0;
  bool live_layers = false;
  size_t max_items = 0;
  std::string trigger = "cli";  // schedule | cli, for the manifest
  std::string built_by;
};

// Where a run's time went, summed over its workers (so up to their number times the wall time):
// reading the days' events, aggregating them (streaming method), writing the rows (with the SQL
// method, aggregating too), indexing and swapping in days loaded whole (store/signal_day.h).
struct SignalBuildTimes {
  double read_s = 0, aggregate_s = 0, write_s = 0, index_s = 0, swap_s = 0;
};

struct SignalBuildReport {
  int tenants = 0;
  int days = 0;
  int64_t events = 0;
  int64_t popularity_rows = 0, covisit_rows = 0, sequence_rows = 0;
  int versions = 0;  // signal versions kept
  SignalBuildTimes times;

  // Adds `other`'s counts and times (not its tenants) to this one.
  void Add(const SignalBuildReport& other);
};

class SignalBuilder {
 public:
  // Called after each day is committed: (tenant external id, day, days done, days in the run).
  using Progress = std::function<void(const std::string& tenant, int32_t day, int done, int total)>;

  // With `session_url` (the primary without a pooler), the builders' advisory lock is held on a
  // connection of its own there: a session lock cannot live behind a pooler in transaction mode,
  // while the build itself runs through it (every statement of it is in one transaction or
  // none).
  explicit SignalBuilder(std::string database_url, std::string session_url = "")
      : url_(database_url),
        conn_(database_url, kCommandConnectTimeoutS),
        lock_conn_(session_url.empty() ? std::nullopt
                                       : std::optional<ReconnectingConnection>(
                                             std::in_place, session_url, kCommandConnectTimeoutS)) {
  }

  // Errors: kNotFound (the named tenant does not exist), kConflict (another builder holds the
  // lock), kUnavailable (database; rerun to resume).
  Result<SignalBuildReport> Run(const SignalBuildOptions& options, const Progress& progress = {});

 private:
  Status BuildTenant(PgConnection& conn, const std::string& tenant_id,
                     const std::string& external_id, const std::string& config_json,
                     const SignalBuildOptions& options, SignalBuildReport& report,
                     const Progress& progress);
  // Keeps the tenant's base snapshots, as built by the run that wrote `days` (`built`), as a
  // signal version on `conn`; logs when it cannot.
  void KeepVersion(PgConnection& conn, const std::string& external_id,
                   const std::vector<std::string>& days, const SignalBuildReport& built,
                   const SignalBuildOptions& options, SignalBuildReport& report);

  std::string url_;
  // Holds the advisory lock unless lock_conn_ does; days are built on connections of their own.
  ReconnectingConnection conn_;
  std::optional<ReconnectingConnection> lock_conn_;
};

}  // namespace recsys::store
