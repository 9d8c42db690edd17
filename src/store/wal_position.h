// A PostgreSQL WAL position (an LSN, "16/B374D848" in SQL text) as a number, so that positions
// compare: a standby has replayed a change once its pg_last_wal_replay_lsn() is at or past the
// position the primary reported after the change committed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/pg.h"

namespace recsys::store {

using WalPosition = uint64_t;  // 0: none known

// Parses pg_lsn text ("X/Y", both hexadecimal, at most 8 digits each); nullopt when malformed.
std::optional<WalPosition> ParseWalPosition(std::string_view text);
// pg_current_wal_insert_lsn() as a position a standby's replay can reach: when the next record
// would start a page, the server reports the spot after the page header, while a standby that
// replayed everything reports the page boundary. Assumes the default 8 KiB pages and 16 MiB
// segments.
WalPosition InsertPositionAsRecordEnd(WalPosition insert);
// The primary's pg_current_wal_insert_lsn() on `conn`, as InsertPositionAsRecordEnd gives it:
// read after a commit, a position a standby has replayed that commit by. Errors: the query's.
Result<WalPosition> ReadWalInsertPosition(PgConnection& conn);
// The pg_lsn text of `position`.
std::string FormatWalPosition(WalPosition position);

}  // namespace recsys::store
