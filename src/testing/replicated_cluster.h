// Test support: a primary PostgreSQL, a hot standby streaming from it (pg_basebackup -R) and a
// PgBouncer in transaction mode in front of the primary, each a real server in a temporary
// folder (scripts/pg-cluster, scripts/pg-bouncer). For tests of reads on a standby, replica lag
// and failures of either server. Every set-up step that fails is a test failure (never a skip);
// the destructor stops and removes everything. Test-only code; not thread-safe.
#pragma once

#include <string>

namespace recsys::testing {

class ReplicatedCluster {
 public:
  // Starts all three; creates database `recsys` on the primary (replicated to the standby).
  ReplicatedCluster();
  ~ReplicatedCluster();
  ReplicatedCluster(const ReplicatedCluster&) = delete;
  ReplicatedCluster& operator=(const ReplicatedCluster&) = delete;

  // Whether every server started (the constructor has added a failure otherwise).
  bool ok() const { return ok_; }

  // URLs of database `recsys` as the superuser: directly, on the standby, through the pooler.
  std::string PrimaryUrl() const;
  std::string StandbyUrl() const;
  std::string BouncerUrl() const;

  void StopStandby();
  void StartStandby();
  void StopPrimary();
  void StartPrimary();
  // pg_wal_replay_pause() / pg_wal_replay_resume() on the standby.
  void PauseReplay();
  void ResumeReplay();
  // Waits (up to 10 s) until the standby has replayed everything the primary has written so far.
  bool WaitCaughtUp();

 private:
  std::string Script(const std::string& args) const;
  bool Run(const std::string& args);

  std::string dir_;
  int primary_port_ = 0, standby_port_ = 0, bouncer_port_ = 0;
  bool ok_ = false;
};

}  // namespace recsys::testing
