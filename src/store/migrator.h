// Applies, rolls back and checks schema migrations against one database.
//
// Applied migrations are recorded in `schema_migrations` (name, checksum, applied_at). Up and Down
// hold a session-level PostgreSQL advisory lock for their whole run, so two instances never migrate
// at once: the second waits, then finds nothing left to do. Each migration runs in its own
// transaction together with its bookkeeping row. Every call refuses to act when an applied
// migration's checksum differs from the binary's copy, or when the database holds a migration this
// binary does not know (a newer binary migrated it).
//
// Not thread-safe: a Migrator uses the connection it is given, which the caller owns.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "store/migration.h"
#include "store/pg.h"

namespace recsys::store {

struct MigrationState {
  std::string name;
  bool applied = false;
  std::string applied_at;  // empty when pending
};

class Migrator {
 public:
  // REQUIRES: `conn` outlives the Migrator; `migrations` sorted by name.
  Migrator(PgConnection& conn, std::vector<Migration> migrations);

  // Applies every pending migration in order; returns the names applied (empty when current).
  Result<std::vector<std::string>> Up();
  // Rolls back the `count` most recently applied migrations; returns their names, newest first.
  Result<std::vector<std::string>> Down(int count);
  // Every known migration with whether it is applied.
  Result<std::vector<MigrationState>> Status();
  // OK when the database holds exactly this binary's migrations, unchanged. Otherwise
  // kFailedPrecondition with a message naming the problem and the command that fixes it.
  recsys::Status CheckCurrent() { return Check(/*allow_newer=*/false); }
  // Whether this binary can serve the database: OK when every one of its migrations is applied,
  // unchanged, also when a newer binary has applied more (migrations only add), so that running
  // instances keep serving while the next release migrates and rolls out.
  recsys::Status CheckServable() { return Check(/*allow_newer=*/true); }

 private:
  recsys::Status Check(bool allow_newer);
  struct Applied {
    std::string name;
    std::string checksum;
    std::string applied_at;
  };
  recsys::Status EnsureTable();
  Result<std::vector<Applied>> ReadApplied();
  // Fails when an applied migration changed or is unknown to this binary.
  recsys::Status VerifyApplied(const std::vector<Applied>& applied, bool allow_newer) const;
  const Migration* Find(const std::string& name) const;

  PgConnection& conn_;
  std::vector<Migration> migrations_;
};

}  // namespace recsys::store
