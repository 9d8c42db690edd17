#include "testing/replicated_cluster.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "store/pg.h"
#include "store/wal_position.h"
#include "testing/test_db.h"

namespace recsys::testing {
namespace {

int FreeClusterPort() {
  std::string out;
  RunShell(std::string(RECSYS_SOURCE_DIR) + "/scripts/pg-cluster free-port", &out);
  return std::atoi(out.c_str());
}

std::string Url(int port, const std::string& db) {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port) + "/" + db;
}

// The first cell of `sql` on the server at `url`; "" (and a failure) when it cannot be read.
std::string QueryAt(const std::string& url, const std::string& sql) {
  auto conn = store::PgConnection::Connect(url);
  if (!conn.ok()) {
    ADD_FAILURE() << conn.status().ToString();
    return "";
  }
  return QueryOne(conn.value(), sql);
}

}  // namespace

std::string ReplicatedCluster::Script(const std::string& args) const {
  return std::string(RECSYS_SOURCE_DIR) + "/scripts/" + args;
}

bool ReplicatedCluster::Run(const std::string& args) {
  std::string out;
  const int rc = RunShell(Script(args), &out);
  EXPECT_EQ(rc, 0) << args << ":\n" << out;
  return rc == 0;
}

ReplicatedCluster::ReplicatedCluster() {
  dir_ = MakeTestDir("recsys-test-replica");
  if (dir_.empty()) return;
  primary_port_ = FreeClusterPort();
  standby_port_ = FreeClusterPort();
  bouncer_port_ = FreeClusterPort();
  // The database exists before the standby is copied, so both have it from the start.
  ok_ = Run("pg-cluster start " + dir_ + "/primary " + std::to_string(primary_port_) + " --fast") &&
        Run("pg-cluster createdb " + dir_ + "/primary " + std::to_string(primary_port_) +
            " recsys postgres") &&
        Run("pg-cluster standby " + dir_ + "/standby " + std::to_string(standby_port_) + " " +
            std::to_string(primary_port_) + " --fast") &&
        Run("pg-bouncer start " + dir_ + "/bouncer " + std::to_string(bouncer_port_) + " " +
            std::to_string(primary_port_));
}

ReplicatedCluster::~ReplicatedCluster() {
  if (dir_.empty()) return;
  RunShell(Script("pg-bouncer stop " + dir_ + "/bouncer"));
  RunShell(Script("pg-cluster remove " + dir_ + "/standby"));
  RunShell(Script("pg-cluster remove " + dir_ + "/primary"));
  RunShell("rm -rf " + dir_);
}

std::string ReplicatedCluster::PrimaryUrl() const { return Url(primary_port_, "recsys"); }
std::string ReplicatedCluster::StandbyUrl() const { return Url(standby_port_, "recsys"); }
std::string ReplicatedCluster::BouncerUrl() const { return Url(bouncer_port_, "recsys"); }

void ReplicatedCluster::StopStandby() { Run("pg-cluster stop " + dir_ + "/standby"); }
void ReplicatedCluster::StartStandby() {
  Run("pg-cluster start " + dir_ + "/standby " + std::to_string(standby_port_) + " --fast");
}
void ReplicatedCluster::StopPrimary() { Run("pg-cluster stop " + dir_ + "/primary"); }
void ReplicatedCluster::StartPrimary() {
  Run("pg-cluster start " + dir_ + "/primary " + std::to_string(primary_port_) + " --fast");
}

void ReplicatedCluster::PauseReplay() { QueryAt(StandbyUrl(), "SELECT pg_wal_replay_pause()"); }
void ReplicatedCluster::ResumeReplay() { QueryAt(StandbyUrl(), "SELECT pg_wal_replay_resume()"); }

bool ReplicatedCluster::WaitCaughtUp() {
  const auto target =
      store::ParseWalPosition(QueryAt(PrimaryUrl(), "SELECT pg_current_wal_insert_lsn()::text"));
  if (!target) return false;
  const store::WalPosition reachable = store::InsertPositionAsRecordEnd(*target);
  return WaitFor(
      [&] {
        auto replayed =
            store::ParseWalPosition(QueryAt(StandbyUrl(), "SELECT pg_last_wal_replay_lsn()::text"));
        return replayed && *replayed >= reachable;
      },
      std::chrono::seconds(10));
}

}  // namespace recsys::testing
