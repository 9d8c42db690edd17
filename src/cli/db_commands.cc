// migrate, partitions, demo, tenants and keys: one-shot commands against DATABASE_URL.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/command_env.h"
#include "cli/commands.h"
#include "cli/serve_config.h"
#include "service/roles.h"
#include "store/demo_seed.h"
#include "store/migrator.h"
#include "store/partitions.h"
#include "store/pg.h"
#include "store/registry.h"

namespace recsys::cli {
namespace {

int Fail(const Status& status) {
  std::fprintf(stderr, "recsys-service: %s\n", status.message().c_str());
  return status.code() == StatusCode::kFailedPrecondition ||
                 status.code() == StatusCode::kInvalidArgument
             ? 2
             : 1;
}

void PrintNames(const char* verb, const std::vector<std::string>& names, const char* none) {
  if (names.empty()) std::printf("%s\n", none);
  for (const std::string& n : names) std::printf("%s %s\n", verb, n.c_str());
}

}  // namespace

int RunMigrateUp() {
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  auto done = store::Migrator(conn.value(), store::EmbeddedMigrations()).Up();
  if (!done.ok()) return Fail(done.status());
  PrintNames("applied", done.value(), "schema is current; nothing to apply");
  return 0;
}

int RunMigrateDown(int count) {
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  auto done = store::Migrator(conn.value(), store::EmbeddedMigrations()).Down(count);
  if (!done.ok()) return Fail(done.status());
  PrintNames("rolled back", done.value(), "nothing to roll back");
  return 0;
}

int RunMigrateStatus() {
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  auto states = store::Migrator(conn.value(), store::EmbeddedMigrations()).Status();
  if (!states.ok()) return Fail(states.status());
  int pending = 0;
  for (const store::MigrationState& s : states.value()) {
    std::printf("%-40s %s\n", s.name.c_str(),
                s.applied ? ("applied " + s.applied_at).c_str() : "pending");
    pending += s.applied ? 0 : 1;
  }
  std::printf("%d pending\n", pending);
  return 0;
}

int RunPartitionsEnsure(int months_ahead) {
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  auto created = store::EnsurePartitions(conn.value(), months_ahead);
  if (!created.ok()) return Fail(created.status());
  PrintNames("created", created.value(), "all partitions present");
  return 0;
}

int RunPartitionsPrune(int older_than_days) {
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  auto dropped = store::PrunePartitions(conn.value(), older_than_days);
  if (!dropped.ok()) return Fail(dropped.status());
  PrintNames("dropped", dropped.value(), "no partition old enough to drop");
  return 0;
}

int RunDemoSeed() {
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  if (Status s = store::SeedDemo(conn.value()); !s.ok()) return Fail(s);
  std::printf("demo tenant '%s' seeded (%d items)\n", store::kDemoTenant, store::kDemoItemCount);
  return 0;
}

namespace {

int PrintRows(const Result<std::vector<std::string>>& rows) {
  if (!rows.ok()) return Fail(rows.status());
  for (const std::string& row : rows.value()) std::printf("%s\n", row.c_str());
  return 0;
}

}  // namespace

int RunTenantsCreate(const std::string& external_id, const std::string& name) {
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  auto id = store::Registry(conn.value(), CliActor()).CreateTenant(external_id, name);
  if (!id.ok()) return Fail(id.status());
  std::printf("tenant %s created (id %s)\n", external_id.c_str(), id.value().c_str());
  return 0;
}

int RunTenantsList() {
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  return PrintRows(store::Registry(conn.value(), CliActor()).ListTenants());
}

int RunTenantsSetStatus(const std::string& external_id, const std::string& status) {
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  if (Status s = store::Registry(conn.value(), CliActor()).SetTenantStatus(external_id, status);
      !s.ok()) {
    return Fail(s);
  }
  std::printf("tenant %s is %s\n", external_id.c_str(), status.c_str());
  return 0;
}

int RunKeysCreate(const std::string& tenant, const std::string& name, const std::string& roles,
                  int expires_in_days) {
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  const std::vector<std::string> role_list = service::SplitRoles(roles);
  const std::string secret = ProcessEnv()("RECSYS_API_KEY_SECRET").value_or("");
  auto key = store::Registry(conn.value(), CliActor())
                 .CreateKey(tenant, name, role_list, expires_in_days, secret);
  if (!key.ok()) return Fail(key.status());
  std::fprintf(stderr, "key %s created for tenant %s; it is shown once, store it now:\n",
               key.value().id.c_str(), tenant.c_str());
  std::printf("%s\n", key.value().raw_key.c_str());
  return 0;
}

int RunKeysList(const std::string& tenant) {
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  return PrintRows(store::Registry(conn.value(), CliActor()).ListKeys(tenant));
}

int RunKeysRevoke(const std::string& key_id) {
  auto conn = ConnectFromEnv();
  if (!conn.ok()) return Fail(conn.status());
  if (Status s = store::Registry(conn.value(), CliActor()).RevokeKey(key_id); !s.ok())
    return Fail(s);
  std::printf("key %s revoked\n", key_id.c_str());
  return 0;
}

}  // namespace recsys::cli
