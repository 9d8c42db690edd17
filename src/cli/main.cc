// recsys-service: one binary, several subcommands. Parses the command line and hands over.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"recsys-service: multi-tenant recommendation service on PostgreSQL"};
  app.require_subcommand(1);

  auto* serve = app.add_subcommand("serve", "Serve the HTTP API (configured by environment)");

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

  CLI11_PARSE(app, argc, argv);

  using namespace recsys::cli;
  if (serve->parsed()) return RunServe();
  if (up->parsed()) return RunMigrateUp();
  if (down->parsed()) return RunMigrateDown(down_count);
  if (status->parsed()) return RunMigrateStatus();
  if (ensure->parsed()) return RunPartitionsEnsure(ahead);
  if (prune->parsed()) return RunPartitionsPrune(older_than);
  if (seed->parsed()) return RunDemoSeed();
  return 2;
}
