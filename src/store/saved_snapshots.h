// The saved form of one tenant's signal snapshots, shared by warm-start files
// (store/warm_start.h) and snapshots shared through PostgreSQL (store/shared_snapshots.h): a
// magic with the form's version, a checksummed payload (the tenant's id, the day and decay
// settings the snapshots were built for, when they were saved and read from the database, and
// each namespace's snapshot in core/snapshot_codec.h's form) and the checksum.
//
// Host byte order and this build's struct layouts (see SavedSnapshotsFormat), so only a reader
// of the same format may decode it; decoding still checks everything and refuses a damaged input
// with a Status. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/snapshot_codec.h"
#include "core/status.h"
#include "core/time.h"
#include "service/serving_state.h"

namespace recsys::store {

// What a tenant's snapshots depend on besides its signal rows: decay is counted in whole days
// from the day they were built, with the config's half-life and co-visitation window.
struct SnapshotKey {
  int32_t day = 0;
  double half_life_days = 0;
  int32_t covisit_window_days = 0;
  bool operator==(const SnapshotKey&) const = default;
};
// The key `tenant`'s snapshots have when built at `built_at`.
SnapshotKey SnapshotKeyOf(const service::TenantState& tenant, TimestampUs built_at);

// Names the form, the byte order and the sizes of the encoded structs: two builds with the same
// name read each other's bytes.
std::string SavedSnapshotsFormat();

// Streams the saved form of `tenant`'s snapshots (keyed as of tenant.signals_loaded_at) to `sink`
// in pieces of at most 1 MiB.
void EncodeSavedSnapshots(const service::TenantState& tenant, TimestampUs saved_at,
                          const ByteSink& sink);

struct SavedSnapshots {
  std::string tenant_id;
  SnapshotKey key;
  TimestampUs saved_at = 0;
  TimestampUs loaded_at = 0;  // when the saving instance read them from the database
  service::TenantState::Snapshots snapshots;
};
// Errors: kInvalidArgument saying what is wrong (another format, a checksum mismatch, a header
// or snapshot cut short or malformed, trailing bytes).
Result<SavedSnapshots> DecodeSavedSnapshots(std::string_view data);

}  // namespace recsys::store
