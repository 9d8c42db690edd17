// The one protocol of the `recsys_changes` NOTIFY channel: what changed, for which tenant.
// Payload: {"tenant": "<external id>", "scope": "control" | "catalog" | "signals" | "all",
// "lsn": "<pg_lsn>"}; `lsn` is the primary's WAL position when the notice was sent (an instance
// reading a standby reloads from it only once it has replayed that far, store/read_endpoint.h);
// payloads without it (older senders) still parse.
// `control`: tenants, config, rules, keys; `catalog`: item availability and tags; `signals`: the
// tenant's signal tables (a snapshot reload); `all`: everything (after a lost connection).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/pg.h"
#include "store/wal_position.h"

namespace recsys::store {

enum class ChangeScope { kControl, kCatalog, kSignals, kAll };

struct ChangeNotice {
  std::string tenant;  // empty with kAll
  ChangeScope scope = ChangeScope::kAll;
  WalPosition lsn = 0;  // 0: not given
};

// The payload for `notice` (JSON, escaped).
std::string EncodeChangeNotice(const ChangeNotice& notice);
// Parses a payload; an unreadable one is nullopt (callers then reload everything).
std::optional<ChangeNotice> ParseChangeNotice(std::string_view payload);

// NOTIFYs `notice` on the change channel with the primary's current WAL position as its `lsn`
// (notice.lsn is ignored); inside a transaction it is sent at COMMIT. A `signals`
// or `catalog` notice first bumps the tenant's signal version (tenant_signal_versions), which
// retires its shared snapshots (store/shared_snapshots.h); callers send it after (or in the
// transaction of) the writes it announces.
Status SendChangeNotice(PgConnection& conn, const ChangeNotice& notice);

}  // namespace recsys::store
