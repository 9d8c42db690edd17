// recsys-service: one binary, several subcommands. Parses the command line and hands over.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/import_command.h"

int main(int argc, char** argv) {
  CLI::App app{"recsys-service: multi-tenant recommendation service on PostgreSQL"};
  app.require_subcommand(1);

  auto* serve = app.add_subcommand("serve", "Serve the HTTP API (configured by environment)");
  bool check_config = false;
  serve->add_flag("--check-config", check_config,
                  "Validate the environment configuration, print a summary and exit (0 or 2)");

  auto* migrate = app.add_subcommand("migrate", "Apply, roll back or list schema migrations");
  migrate->require_subcommand(1);
  auto* up = migrate->add_subcommand("up", "Apply every pending migration (no-op when current)");
  int down_count = 1;
  auto* down = migrate->add_subcommand("down", "Roll back the N most recent migrations");
  down->add_option("N", down_count, "How many to roll back")->check(CLI::Range(0, 1000));
  auto* status = migrate->add_subcommand("status", "List migrations and whether each is applied");

  auto* partitions = app.add_subcommand("partitions", "Manage monthly log partitions");
  partitions->require_subcommand(1);
  int ahead = 3;
  auto* ensure = partitions->add_subcommand("ensure", "Create this month's and the next N months'");
  ensure->add_option("--ahead", ahead, "Months ahead to create")->check(CLI::Range(0, 240));
  int older_than = 0;
  auto* prune = partitions->add_subcommand("prune", "Detach and drop partitions past retention");
  prune->add_option("--older-than", older_than, "Days: drop months that ended before now - D")
      ->required()
      ->check(CLI::Range(0, 100000));

  auto* demo = app.add_subcommand("demo", "Demo data");
  demo->require_subcommand(1);
  auto* seed = demo->add_subcommand("seed", "Create the demo tenant with a small catalog");

  auto* tenants = app.add_subcommand("tenants", "Create, list and suspend tenants");
  tenants->require_subcommand(1);
  std::string tenant_id, tenant_name;
  auto* tenants_create = tenants->add_subcommand("create", "Register a tenant");
  tenants_create->add_option("TENANT_ID", tenant_id, "External id clients send")->required();
  tenants_create->add_option("--name", tenant_name, "Display name (default: the id)");
  auto* tenants_list = tenants->add_subcommand("list", "List tenants");
  auto* tenants_suspend = tenants->add_subcommand("suspend", "Suspend a tenant (403 everywhere)");
  tenants_suspend->add_option("TENANT_ID", tenant_id)->required();
  auto* tenants_activate = tenants->add_subcommand("activate", "Re-activate a suspended tenant");
  tenants_activate->add_option("TENANT_ID", tenant_id)->required();

  auto* keys = app.add_subcommand("keys", "Create, list and revoke API keys");
  keys->require_subcommand(1);
  std::string key_name, key_roles = "viewer", key_id;
  int expires_days = 0;
  auto* keys_create =
      keys->add_subcommand("create", "Create a key; prints it once (needs RECSYS_API_KEY_SECRET)");
  keys_create->add_option("--tenant", tenant_id, "Tenant external id")->required();
  keys_create->add_option("--name", key_name, "What the key is for");
  keys_create->add_option("--roles", key_roles, "Comma-separated: viewer, operator, admin");
  keys_create->add_option("--expires-in-days", expires_days, "0: never")
      ->check(CLI::Range(0, 3650));
  auto* keys_list = keys->add_subcommand("list", "List a tenant's keys (never the keys)");
  keys_list->add_option("--tenant", tenant_id)->required();
  auto* keys_revoke = keys->add_subcommand("revoke", "Revoke a key by id");
  keys_revoke->add_option("KEY_ID", key_id)->required();

  auto* signals = app.add_subcommand("signals", "Build the daily signal tables from events");
  signals->require_subcommand(1);
  std::string since;
  bool full = false;
  auto* signals_build = signals->add_subcommand(
      "build", "Build popularity, co-visitation and sequences for days with new events");
  signals_build->add_option("--tenant", tenant_id, "Only this tenant (external id)");
  signals_build->add_option("--since", since, "Only days on or after this one (YYYY-MM-DD)");
  signals_build->add_flag("--full", full, "Every day with events, not only those with new ones");
  std::string method = "streaming";
  signals_build
      ->add_option("--method", method,
                   "streaming (in this process, default) or sql (in PostgreSQL)")
      ->check(CLI::IsMember({"sql", "streaming"}));

  auto* import = app.add_subcommand("import", "Import events or catalog items from files");
  import->require_subcommand(1);
  recsys::cli::ImportOptions import_options;
  auto add_import = [&](const char* name, const char* what) {
    auto* command = import->add_subcommand(name, what);
    command->add_option("--tenant", import_options.tenant, "Tenant external id")->required();
    command
        ->add_option("FILE", import_options.files, "CSV or JSON Lines files (.gz too; - is stdin)")
        ->required();
    command->add_option("--format", import_options.format, "csv or jsonl (default: by extension)")
        ->check(CLI::IsMember({"csv", "jsonl"}));
    command->add_option("--map", import_options.map, "field=Column,... (CSV column or JSON key)");
    command->add_option("--set", import_options.set, "field=value,... constants for every record");
    command
        ->add_option("--max-errors", import_options.max_errors, "Stop after N bad lines (0: never)")
        ->check(CLI::NonNegativeNumber);
    command->add_flag("--dry-run", import_options.dry_run, "Validate only; write nothing");
    return command;
  };
  auto* import_events = add_import("events", "Import interaction events (as POST /v1/events)");
  auto* import_catalog = add_import("catalog", "Import catalog items (as PUT /v1/catalog/items)");

  std::string surface = "default";
  auto* doctor = app.add_subcommand(
      "doctor", "Check, in order, what makes a tenant's recommendations empty or stale");
  doctor->add_option("--tenant", tenant_id, "Tenant external id")->required();
  doctor->add_option("--surface", surface, "Surface to check (default: default)");

  CLI11_PARSE(app, argc, argv);

  using namespace recsys::cli;
  if (serve->parsed()) return RunServe(check_config);
  if (up->parsed()) return RunMigrateUp();
  if (down->parsed()) return RunMigrateDown(down_count);
  if (status->parsed()) return RunMigrateStatus();
  if (ensure->parsed()) return RunPartitionsEnsure(ahead);
  if (prune->parsed()) return RunPartitionsPrune(older_than);
  if (seed->parsed()) return RunDemoSeed();
  if (tenants_create->parsed()) return RunTenantsCreate(tenant_id, tenant_name);
  if (tenants_list->parsed()) return RunTenantsList();
  if (tenants_suspend->parsed()) return RunTenantsSetStatus(tenant_id, "suspended");
  if (tenants_activate->parsed()) return RunTenantsSetStatus(tenant_id, "active");
  if (keys_create->parsed()) return RunKeysCreate(tenant_id, key_name, key_roles, expires_days);
  if (keys_list->parsed()) return RunKeysList(tenant_id);
  if (keys_revoke->parsed()) return RunKeysRevoke(key_id);
  if (doctor->parsed()) return RunDoctor(tenant_id, surface);
  if (signals_build->parsed()) return RunSignalsBuild(tenant_id, since, full, method);
  if (import_events->parsed() || import_catalog->parsed()) {
    import_options.kind =
        import_events->parsed() ? recsys::ImportKind::kEvents : recsys::ImportKind::kCatalog;
    return RunImport(import_options);
  }
  return 2;
}
