// Shared snapshots: a large tenant's signal snapshots, stored in PostgreSQL (tenant_snapshots, in
// store/saved_snapshots.h's form) by the instance that read them from the signal tables, so that
// an instance starting later (a new machine, no warm-start folder) serves from them at once
// instead of reading every row again.
//
// Stored snapshots serve only while current: the same form (store/saved_snapshots.h), the
// tenant's signal version unchanged since its rows were read (every announced signal or catalog
// write bumps it: store/change_notice.h), the same UTC day and the same decay settings. Writes
// not announced through recsys (SQL typed into psql) are not seen: announce them with
// `cache/invalidate` of `signals`, as running instances need anyway.
//
// Take() and Store() run on the caller's connection, one caller at a time. Offer() is
// thread-safe and returns at once: one writer thread stores what is offered on its own
// connection, at most one entry per tenant waiting (the latest).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "service/serving_state.h"
#include "store/pg.h"

namespace recsys::store {

struct SharedSnapshotOptions {
  std::string database_url;
  size_t min_bytes = size_t{16} << 20;   // smaller tenants read their rows in well under a second
  size_t part_bytes = size_t{64} << 20;  // a bytea holds at most 1 GB
  // A tenant whose snapshots were stored less than this long ago (by any instance) is not stored
  // again: signals rebuilt every few seconds would otherwise rewrite hundreds of megabytes each
  // time for snapshots that are stale moments later.
  int min_store_interval_s = 300;
};

class SharedSnapshots {
 public:
  explicit SharedSnapshots(SharedSnapshotOptions options);
  // Stops the writer; a store in progress finishes first.
  ~SharedSnapshots();
  SharedSnapshots(const SharedSnapshots&) = delete;
  SharedSnapshots& operator=(const SharedSnapshots&) = delete;

  // For each of `tenants` (active, to be loaded): records its current signal version
  // (TenantState::signal_version) and, when it has a current stored snapshot, serves from it
  // (snapshots, signals_loaded_at, from_shared_snapshot). Returns the tenants left to read from
  // their rows, whose versions were read before any of their rows. A stored snapshot that does not
  // read or decode is logged and its tenant is left to its rows.
  Result<std::vector<service::TenantState*>> Take(PgConnection& conn,
                                                  std::vector<service::TenantState*> tenants,
                                                  TimestampUs now);

  // Stores `tenant`'s snapshots (read from its rows at version tenant.signal_version) unless they
  // are smaller than min_bytes, that version is no longer current, the same version is stored
  // already, the last store was less than min_store_interval_s ago, or another instance is
  // storing this tenant's now. Returns whether it stored them.
  Result<bool> Store(PgConnection& conn, const service::TenantState& tenant);

  // Queues Store() of `tenant` on the writer thread when it is large enough.
  void Offer(std::shared_ptr<const service::TenantState> tenant);
  // Waits until nothing offered is waiting or being stored (for tests and a clean stop).
  void WaitIdle();

 private:
  void WriterLoop();

  const SharedSnapshotOptions options_;
  const std::string format_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, std::shared_ptr<const service::TenantState>> waiting_;  // by tenant id
  bool storing_ = false;
  bool stopping_ = false;
  std::thread writer_;  // started by the first Offer()
};

// The bytes `tenant`'s snapshots take in memory.
size_t SnapshotBytes(const service::TenantState& tenant);

}  // namespace recsys::store
