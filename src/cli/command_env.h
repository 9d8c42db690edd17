// What one-shot commands share: the database named by DATABASE_URL and who is running them.
#pragma once

#include <string>

#include "core/status.h"
#include "store/pg.h"

namespace recsys::cli {

// A connection to DATABASE_URL. Errors: kInvalidArgument when it is not set, else Connect's.
Result<store::PgConnection> ConnectFromEnv();

// Who runs the command, for the audit log: "cli:" and $USER.
std::string CliActor();

}  // namespace recsys::cli
