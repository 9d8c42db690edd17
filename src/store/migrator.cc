#include "store/migrator.h"

#include <algorithm>
#include <utility>

#include "store/sql_values.h"

namespace recsys::store {
namespace {

// Arbitrary, fixed: every recsys instance must use the same key.
constexpr const char* kLockKey = "7385012946";

// Holds the migration advisory lock for its lifetime.
class MigrationLock {
 public:
  explicit MigrationLock(PgConnection& conn) : conn_(conn) {
    status_ = conn_.Query(std::string("SELECT pg_advisory_lock(") + kLockKey + ")").status();
  }
  ~MigrationLock() {
    if (status_.ok()) (void)conn_.Query(std::string("SELECT pg_advisory_unlock(") + kLockKey + ")");
  }
  const recsys::Status& status() const { return status_; }

 private:
  PgConnection& conn_;
  recsys::Status status_;
};

recsys::Status RunInTransaction(PgConnection& conn, const std::string& sql,
                                const std::string& bookkeeping, const std::vector<PgParam>& params,
                                const std::string& what) {
  if (auto s = conn.Exec("BEGIN"); !s.ok()) return s;
  recsys::Status s = conn.Exec(sql);
  if (s.ok()) s = conn.Query(bookkeeping, params).status();
  if (s.ok()) s = conn.Exec("COMMIT");
  if (!s.ok()) {
    (void)conn.Exec("ROLLBACK");
    return recsys::Status(s.code(), what + " failed: " + s.message());
  }
  return recsys::Status::Ok();
}

}  // namespace

Migrator::Migrator(PgConnection& conn, std::vector<Migration> migrations)
    : conn_(conn), migrations_(std::move(migrations)) {}

const Migration* Migrator::Find(const std::string& name) const {
  for (const Migration& m : migrations_) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

recsys::Status Migrator::EnsureTable() {
  return conn_.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " name text PRIMARY KEY,"
      " checksum text NOT NULL,"
      " applied_at timestamptz NOT NULL DEFAULT now())");
}

Result<std::vector<Migrator::Applied>> Migrator::ReadApplied() {
  auto exists = conn_.Query("SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (!exists.ok()) return exists.status();
  std::vector<Applied> applied;
  if (exists.value().Get(0, 0) != "t") return applied;
  auto rows = conn_.Query("SELECT name, checksum, " + UtcTimestampSql("applied_at") +
                          " FROM schema_migrations ORDER BY name");
  if (!rows.ok()) return rows.status();
  const PgResult& r = rows.value();
  for (int i = 0; i < r.rows(); ++i) {
    applied.push_back(
        {std::string(r.Get(i, 0)), std::string(r.Get(i, 1)), std::string(r.Get(i, 2))});
  }
  return applied;
}

recsys::Status Migrator::VerifyApplied(const std::vector<Applied>& applied,
                                       bool allow_newer) const {
  for (const Applied& a : applied) {
    const Migration* m = Find(a.name);
    if (m == nullptr && allow_newer) continue;
    if (m == nullptr) {
      return recsys::Status::FailedPrecondition(
          "database has migration " + a.name +
          " that this binary does not know (it was migrated by a newer version); run that "
          "version, or its `recsys-service migrate down`, instead");
    }
    if (m->checksum != a.checksum) {
      return recsys::Status::FailedPrecondition(
          "migration " + a.name +
          " was changed after it was applied (checksum differs); restore the original file and "
          "add a new migration instead of editing an applied one");
    }
  }
  return recsys::Status::Ok();
}

Result<std::vector<std::string>> Migrator::Up() {
  MigrationLock lock(conn_);
  if (!lock.status().ok()) return lock.status();
  if (auto s = EnsureTable(); !s.ok()) return s;
  auto applied = ReadApplied();
  if (!applied.ok()) return applied.status();
  if (auto s = VerifyApplied(applied.value(), /*allow_newer=*/false); !s.ok()) return s;

  std::vector<std::string> done;
  for (const Migration& m : migrations_) {
    bool is_applied = std::any_of(applied.value().begin(), applied.value().end(),
                                  [&](const Applied& a) { return a.name == m.name; });
    if (is_applied) continue;
    auto s = RunInTransaction(conn_, m.up,
                              "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)",
                              {m.name, m.checksum}, "migration " + m.name + " (up)");
    if (!s.ok()) return s;
    done.push_back(m.name);
  }
  return done;
}

Result<std::vector<std::string>> Migrator::Down(int count) {
  if (count < 0) return recsys::Status::InvalidArgument("down needs a count >= 0");
  MigrationLock lock(conn_);
  if (!lock.status().ok()) return lock.status();
  auto applied = ReadApplied();
  if (!applied.ok()) return applied.status();
  if (auto s = VerifyApplied(applied.value(), /*allow_newer=*/false); !s.ok()) return s;

  std::vector<std::string> done;
  auto& list = applied.value();
  for (auto it = list.rbegin(); it != list.rend() && static_cast<int>(done.size()) < count; ++it) {
    const Migration* m = Find(it->name);
    auto s = RunInTransaction(conn_, m->down, "DELETE FROM schema_migrations WHERE name = $1",
                              {m->name}, "migration " + m->name + " (down)");
    if (!s.ok()) return s;
    done.push_back(m->name);
  }
  return done;
}

Result<std::vector<MigrationState>> Migrator::Status() {
  auto applied = ReadApplied();
  if (!applied.ok()) return applied.status();
  std::vector<MigrationState> states;
  for (const Migration& m : migrations_) {
    MigrationState state{m.name, false, ""};
    for (const Applied& a : applied.value()) {
      if (a.name == m.name) state = {m.name, true, a.applied_at};
    }
    states.push_back(std::move(state));
  }
  if (auto s = VerifyApplied(applied.value(), /*allow_newer=*/false); !s.ok()) return s;
  return states;
}

recsys::Status Migrator::Check(bool allow_newer) {
  auto applied = ReadApplied();
  if (!applied.ok()) return applied.status();
  if (auto s = VerifyApplied(applied.value(), allow_newer); !s.ok()) return s;
  std::vector<std::string> pending;
  for (const Migration& m : migrations_) {
    bool is_applied = std::any_of(applied.value().begin(), applied.value().end(),
                                  [&](const Applied& a) { return a.name == m.name; });
    if (!is_applied) pending.push_back(m.name);
  }
  if (pending.empty()) return recsys::Status::Ok();
  std::string list;
  for (const std::string& name : pending) list += (list.empty() ? "" : ", ") + name;
  return recsys::Status::FailedPrecondition("database schema is behind this binary (pending: " +
                                            list + "); run `recsys-service migrate up`");
}

}  // namespace recsys::store
