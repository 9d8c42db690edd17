// What one-shot commands share: the database named by DATABASE_URL and who is running them.
#pragma once

#include <string>

#include "core/status.h"
#include "store/pg.h"

namespace recsys::cli {

// A connection to DATABASE_URL. Errors: kInvalidArgument when it is not set, else Connect's.
Result<store::PgConnection> ConnectFromEnv();

// A connection for reads only: to RECSYS_DATABASE_READ_URL (a hot standby) when it is set, else
// to DATABASE_URL. For commands that read much and write nothing on it (eval, doctor).
Result<store::PgConnection> ConnectForReadsFromEnv();
// The URL ConnectForReadsFromEnv connects to; empty when neither is set.
std::string ReadUrlFromEnv();

// Who runs the command, for the audit log: "cli:" and $USER.
std::string CliActor();

}  // namespace recsys::cli
