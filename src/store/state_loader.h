// Builds a ServingState from PostgreSQL: tenants, current config and rules, and per tenant and
// namespace a signal snapshot, each table read with one streaming COPY.
//
// Not thread-safe: one loader per thread (the refresher's). It keeps its own connection and
// reconnects after an error.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"
#include "service/serving_state.h"
#include "store/connection_defaults.h"
#include "store/pg.h"
#include "store/read_endpoint.h"
#include "store/shared_snapshots.h"
#include "store/warm_start.h"

namespace recsys::store {

class StateLoader {
 public:
  explicit StateLoader(const std::string& database_url)
      : conn_(database_url, kBackgroundConnectTimeoutS) {
    for (int i = 0; i < kLanes; ++i) lanes_.emplace_back(database_url);
  }

  // The first Load() takes each tenant's snapshots from `warm_start` when they may serve (the
  // tenant is marked warm_started; its reload from the database is the caller's to request),
  // then discards the files it did not use. REQUIRES: called before the first Load().
  void UseWarmStart(std::unique_ptr<WarmStart> warm_start) { warm_start_ = std::move(warm_start); }

  // Snapshots hold closed days only (bases for live signal layers, core/live_signals.h): rows
  // through yesterday, or through the day before while yesterday awaits the builder. Without
  // it they hold today's rows too. REQUIRES: called before the first Load().
  void UseLiveLayers() { closed_days_only_ = true; }

  // Each namespace's snapshot holds at most `max_items` items (core/snapshot.h SetMaxItems: the
  // catalog first, then the most popular); what a load drops is logged. REQUIRES: called before
  // the first Load().
  void LimitItems(size_t max_items) { max_items_ = max_items; }

  // Every Load() then serves tenants from their current shared snapshots where it can, and offers
  // those it read from their rows for storing (store/shared_snapshots.h).
  void UseSharedSnapshots(std::unique_ptr<SharedSnapshots> shared) { shared_ = std::move(shared); }

  // Every Load() then serves a tenant pinned to a signal version (store/signal_pins.h) from that
  // version, before warm starts and shared snapshots; a version that cannot be read is logged and
  // the tenant serves its newest signals. REQUIRES: called before the first Load().
  void UseSignalPins() { pins_ = true; }

  // Every Load() then reads where `endpoint` says (ReadEndpoint::UrlForConsistentRead, chosen
  // once per load so that one load reads one server); shared snapshots still store to their own
  // URL. REQUIRES: called before the first Load().
  void UseReadEndpoint(std::shared_ptr<ReadEndpoint> endpoint) { read_ = std::move(endpoint); }

  // Loads tenants, configs, rules, API keys and catalog availability. A tenant that `reload` does
  // not cover keeps `previous`'s snapshots when its half-life and co-visitation window did not
  // change. Returns the new state.
  Result<std::shared_ptr<const service::ServingState>> Load(const service::ServingState* previous,
                                                            const service::SignalReload& reload,
                                                            TimestampUs now);

  // A value that changes when every tenant's snapshots must be rebuilt: the database's UTC date
  // (decay is counted in days). Writes to one tenant's signals are announced per tenant by a
  // NOTIFY instead (store/change_notice.h), so they reload only that tenant.
  Result<std::string> ChangeMarker();

 private:
  // Points every connection at `url`.
  void Retarget(const std::string& url);
  // Load() on the connections as they point now.
  Result<std::shared_ptr<const service::ServingState>> LoadHere(
      const service::ServingState* previous, const service::SignalReload& reload, TimestampUs now);
  // Reads the signal rows of `tenants` and builds their snapshots, in batches
  // (store/signal_batch_reader.h) spread over the lanes. Sets each one's signals_loaded_at.
  Status LoadSignalsInParallel(const std::vector<service::TenantState*>& tenants, TimestampUs now);
  // The catalog's unavailable items of every tenant: tenant uuid -> (namespace, item id).
  Result<std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>>>
  LoadUnavailable(PgConnection& conn);

  // Batches load on two lanes at once, each on two connections (co-visitation on the second).
  // Each lane connects when first used.
  static constexpr int kLanes = 2;
  // Tenants per batch: one query per table reads them all (a thousand small tenants read one at
  // a time spent most of PostgreSQL's time planning and scanning each day's partition), and a
  // batch's rows are held until its snapshots are built, which bounds the memory.
  static constexpr size_t kBatchTenants = 32;
  struct Lane {
    explicit Lane(const std::string& url)
        : main(url, kBackgroundConnectTimeoutS), side(url, kBackgroundConnectTimeoutS) {}
    ReconnectingConnection main, side;
  };
  // Load's steps on `conn`: the tenants' rows, signals reused from `previous` or read (warm
  // start, shared snapshots, rows), catalog availability and API keys, into `state`; the tenants
  // whose snapshots were read from their rows go to `read_from_rows` (with shared snapshots on).
  Status LoadInto(PgConnection& conn, const service::ServingState* previous,
                  const service::SignalReload& reload, TimestampUs now,
                  service::ServingState& state,
                  std::vector<std::shared_ptr<const service::TenantState>>& read_from_rows);
  // Snapshots for `tenants`: from warm-start files, else current shared snapshots, else their
  // signal rows. Returns the tenants read from their rows.
  Result<std::vector<service::TenantState*>> ReadSignals(PgConnection& conn,
                                                         std::vector<service::TenantState*> tenants,
                                                         TimestampUs now);
  // Serves the pinned ones of `tenants` from their versions; returns the others.
  Result<std::vector<service::TenantState*>> TakePinned(PgConnection& conn,
                                                        std::vector<service::TenantState*> tenants);
  // Takes the warm-start files of `tenants` that may serve; returns the tenants still to load.
  std::vector<service::TenantState*> TakeWarmStarted(std::vector<service::TenantState*> tenants,
                                                     TimestampUs now);

  ReconnectingConnection conn_;            // tenants, config, rules, keys, availability
  std::unique_ptr<WarmStart> warm_start_;  // until the first Load() has used it
  std::unique_ptr<SharedSnapshots> shared_;
  std::shared_ptr<ReadEndpoint> read_;  // null: every read on the URL given at construction
  std::vector<Lane> lanes_;
  bool closed_days_only_ = false;
  bool pins_ = false;
  size_t max_items_ = 0;  // per snapshot; 0: no limit
};

}  // namespace recsys::store
