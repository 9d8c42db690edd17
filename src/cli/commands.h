// The subcommands of recsys-service. Each returns the process exit code: 0 on success, 1 on a
// failure at run time, 2 on bad configuration or a refused precondition.
#pragma once

#include <string>

namespace recsys::cli {

int RunServe();

int RunMigrateUp();
int RunMigrateDown(int count);
int RunMigrateStatus();

int RunPartitionsEnsure(int months_ahead);
int RunPartitionsPrune(int older_than_days);

int RunDemoSeed();

}  // namespace recsys::cli
