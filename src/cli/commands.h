// The subcommands of recsys-service. Each returns the process exit code: 0 on success, 1 on a
// failure at run time, 2 on bad configuration or a refused precondition.
#pragma once

#include <string>
#include <vector>

namespace recsys::cli {

// `check_config_only`: validate the configuration and exit without touching the database.
int RunServe(bool check_config_only);

int RunMigrateUp();
int RunMigrateDown(int count);
int RunMigrateStatus();

int RunPartitionsEnsure(int months_ahead);
int RunPartitionsPrune(int older_than_days);

int RunDemoSeed();

int RunTenantsCreate(const std::string& external_id, const std::string& name);
int RunTenantsList();
int RunTenantsSetStatus(const std::string& external_id, const std::string& status);

// `roles` is comma-separated.
int RunKeysCreate(const std::string& tenant, const std::string& name, const std::string& roles,
                  int expires_in_days);
int RunKeysList(const std::string& tenant);
int RunKeysRevoke(const std::string& key_id);

// `since`: YYYY-MM-DD or empty; `method`: sql | streaming. With `wait`, a builder already running
// (serve's schedule, another command) is waited for, then what is left is built.
int RunSignalsBuild(const std::string& tenant, const std::string& since, bool full,
                    const std::string& method, bool wait);

// A tenant's kept signal versions; pinning one (`version`: its number) on every instance; back to
// the newest (cli/signal_versions_command.cc).
int RunSignalsVersions(const std::string& tenant);
int RunSignalsRollback(const std::string& tenant, const std::string& version);
int RunSignalsUnpin(const std::string& tenant);

// Checks, in order, what makes `tenant`'s recommendations on `surface` empty or stale.
int RunDoctor(const std::string& tenant, const std::string& surface);

}  // namespace recsys::cli
