// Test support: fresh databases on the throwaway cluster that CTest's `pg` fixture starts
// (scripts/test-cluster), and private clusters for tests that must stop and restart a server.
// Test-only code; aborts the calling test with a gtest failure on any setup error.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/pg.h"

namespace recsys::testing {

// A database created for one test suite and dropped when this object dies.
class TestDatabase {
 public:
  // Creates an empty database on the shared test cluster. When `migrate` is true, applies every
  // embedded migration.
  static std::unique_ptr<TestDatabase> Create(std::string_view suite, bool migrate = true);
  ~TestDatabase();

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  store::PgConnection Connect() const;

 private:
  TestDatabase(std::string admin_url, std::string name, std::string url);
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

// A new database for `suite` with every migration applied and the demo tenant seeded
// (store/demo_seed.h); nullptr, after a test failure, when it cannot be created or seeded.
std::unique_ptr<TestDatabase> SeededDemoDatabase(std::string_view suite);

// The shared test cluster's admin URL (database `postgres`).
std::string SharedClusterAdminUrl();

// A private PostgreSQL cluster in a temporary folder, for tests that stop and start the server.
class PrivateCluster {
 public:
  PrivateCluster();
  ~PrivateCluster();
  void Start();
  void Stop();
  // URL of database `postgres` as the superuser.
  std::string AdminUrl() const;

 private:
  std::string dir_;
  int port_ = 0;
};

// A new folder /tmp/<prefix>-XXXXXX that the `postgres` user may enter (0755); "" (and a test
// failure) when it cannot be made.
std::string MakeTestDir(const std::string& prefix);

// Polls `condition` every 50 ms until it holds or `limit` passes; returns its last value.
bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds limit);

// The first cell of `sql`'s result as text ("" when there is no row); a failed query is a test
// failure.
std::string QueryOne(store::PgConnection& conn, const std::string& sql,
                     const std::vector<store::PgParam>& params = {});

// Runs a shell command; returns its exit status and fills `output` with stdout+stderr.
int RunShell(const std::string& command, std::string* output = nullptr);

// The user-key secret the test processes share (ServeProcess sets it too), as a shell assignment.
inline constexpr char kUserKeySecret[] = "RECSYS_USER_KEY_SECRET=test-secret-0123456789";

// Runs `recsys-service <args>` (shell words) on `database_url` with `env` (shell assignments,
// e.g. "RECSYS_SPILL_DIR=/tmp/x") set; as RunShell otherwise.
int RunRecsys(const std::string& database_url, const std::string& args,
              std::string* output = nullptr, const std::string& env = "");

}  // namespace recsys::testing
