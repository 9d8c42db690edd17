#include "cli/command_env.h"

#include "cli/serve_config.h"

namespace recsys::cli {

Result<store::PgConnection> ConnectFromEnv() {
  auto url = ProcessEnv()("DATABASE_URL");
  if (!url || url->empty()) {
    return Status::InvalidArgument("DATABASE_URL is not set (want a libpq URL)");
  }
  return store::PgConnection::Connect(*url);
}

std::string ReadUrlFromEnv() {
  for (const char* name : {"RECSYS_DATABASE_READ_URL", "DATABASE_URL"}) {
    auto url = ProcessEnv()(name);
    if (url && !url->empty()) return *url;
  }
  return "";
}

Result<store::PgConnection> ConnectForReadsFromEnv() {
  const std::string url = ReadUrlFromEnv();
  if (url.empty()) return Status::InvalidArgument("DATABASE_URL is not set (want a libpq URL)");
  return store::PgConnection::Connect(url);
}

std::string CliActor() {
  auto user = ProcessEnv()("USER");
  return "cli:" + (user && !user->empty() ? *user : std::string("unknown"));
}

}  // namespace recsys::cli
