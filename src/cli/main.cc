// recsys-service: one binary, several subcommands. Parses the command line and hands over.
//
// Each Add* function declares one command group; a command's callback runs it and stores its
// exit code. Option values live in shared_ptrs the callbacks hold, so each group is self-contained.
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/commands.h"
#include "cli/eval_command.h"
#include "cli/import_command.h"

namespace {

using recsys::cli::ImportOptions;

template <typename T>
std::shared_ptr<T> Value(T initial = T()) {
  return std::make_shared<T>(std::move(initial));
}

void AddServe(CLI::App& app, int& code) {
  auto* serve = app.add_subcommand("serve", "Serve the HTTP API (configured by environment)");
  auto check_config = Value(false);
  serve->add_flag("--check-config", *check_config,
                  "Validate the environment configuration, print a summary and exit (0 or 2)");
  serve->callback([&code, check_config] { code = recsys::cli::RunServe(*check_config); });
}

void AddMigrate(CLI::App& app, int& code) {
  auto* migrate = app.add_subcommand("migrate", "Apply, roll back or list schema migrations");
  migrate->require_subcommand(1);
  migrate->add_subcommand("up", "Apply every pending migration (no-op when current)")
      ->callback([&code] { code = recsys::cli::RunMigrateUp(); });
  auto count = Value(1);
  auto* down = migrate->add_subcommand("down", "Roll back the N most recent migrations");
  down->add_option("N", *count, "How many to roll back")->check(CLI::Range(0, 1000));
  down->callback([&code, count] { code = recsys::cli::RunMigrateDown(*count); });
  migrate->add_subcommand("status", "List migrations and whether each is applied")
      ->callback([&code] { code = recsys::cli::RunMigrateStatus(); });
}

void AddPartitions(CLI::App& app, int& code) {
  auto* partitions = app.add_subcommand("partitions", "Manage monthly log partitions");
  partitions->require_subcommand(1);
  auto ahead = Value(3);
  auto* ensure = partitions->add_subcommand("ensure", "Create this month's and the next N months'");
  ensure->add_option("--ahead", *ahead, "Months ahead to create")->check(CLI::Range(0, 240));
  ensure->callback([&code, ahead] { code = recsys::cli::RunPartitionsEnsure(*ahead); });
  auto older_than = Value(0);
  auto* prune = partitions->add_subcommand("prune", "Detach and drop partitions past retention");
  prune->add_option("--older-than", *older_than, "Days: drop months that ended before now - D")
      ->required()
      ->check(CLI::Range(0, 100000));
  prune->callback([&code, older_than] { code = recsys::cli::RunPartitionsPrune(*older_than); });
}

void AddDemo(CLI::App& app, int& code) {
  auto* demo = app.add_subcommand("demo", "Demo data");
  demo->require_subcommand(1);
  demo->add_subcommand("seed", "Create the demo tenant with a small catalog")->callback([&code] {
    code = recsys::cli::RunDemoSeed();
  });
}

void AddTenants(CLI::App& app, int& code) {
  auto* tenants = app.add_subcommand("tenants", "Create, list and suspend tenants");
  tenants->require_subcommand(1);
  auto id = Value<std::string>(), name = Value<std::string>();
  auto* create = tenants->add_subcommand("create", "Register a tenant");
  create->add_option("TENANT_ID", *id, "External id clients send")->required();
  create->add_option("--name", *name, "Display name (default: the id)");
  create->callback([&code, id, name] { code = recsys::cli::RunTenantsCreate(*id, *name); });
  tenants->add_subcommand("list", "List tenants")->callback([&code] {
    code = recsys::cli::RunTenantsList();
  });
  for (auto [command, what, status] :
       {std::tuple{"suspend", "Suspend a tenant (403 everywhere)", "suspended"},
        std::tuple{"activate", "Re-activate a suspended tenant", "active"}}) {
    auto* sub = tenants->add_subcommand(command, what);
    sub->add_option("TENANT_ID", *id)->required();
    sub->callback([&code, id, status] { code = recsys::cli::RunTenantsSetStatus(*id, status); });
  }
}

void AddKeys(CLI::App& app, int& code) {
  auto* keys = app.add_subcommand("keys", "Create, list and revoke API keys");
  keys->require_subcommand(1);
  auto tenant = Value<std::string>(), name = Value<std::string>(), id = Value<std::string>();
  auto roles = Value<std::string>("viewer");
  auto expires_days = Value(0);
  auto* create =
      keys->add_subcommand("create", "Create a key; prints it once (needs RECSYS_API_KEY_SECRET)");
  create->add_option("--tenant", *tenant, "Tenant external id")->required();
  create->add_option("--name", *name, "What the key is for");
  create->add_option("--roles", *roles, "Comma-separated: viewer, operator, admin");
  create->add_option("--expires-in-days", *expires_days, "0: never")->check(CLI::Range(0, 3650));
  create->callback([&code, tenant, name, roles, expires_days] {
    code = recsys::cli::RunKeysCreate(*tenant, *name, *roles, *expires_days);
  });
  auto* list = keys->add_subcommand("list", "List a tenant's keys (never the keys)");
  list->add_option("--tenant", *tenant)->required();
  list->callback([&code, tenant] { code = recsys::cli::RunKeysList(*tenant); });
  auto* revoke = keys->add_subcommand("revoke", "Revoke a key by id");
  revoke->add_option("KEY_ID", *id)->required();
  revoke->callback([&code, id] { code = recsys::cli::RunKeysRevoke(*id); });
}

// signals versions | rollback | unpin (docs/signal-versions.md).
void AddSignalVersions(CLI::App& signals, int& code) {
  auto tenant = Value<std::string>(), version = Value<std::string>();
  auto* versions = signals.add_subcommand("versions", "List a tenant's kept signal versions");
  versions->add_option("--tenant", *tenant)->required();
  versions->callback([&code, tenant] { code = recsys::cli::RunSignalsVersions(*tenant); });
  auto* rollback = signals.add_subcommand(
      "rollback", "Serve a kept signal version on every instance until unpinned");
  rollback->add_option("--tenant", *tenant)->required();
  rollback->add_option("VERSION", *version, "A version number that signals versions lists")
      ->required();
  rollback->callback(
      [&code, tenant, version] { code = recsys::cli::RunSignalsRollback(*tenant, *version); });
  auto* unpin = signals.add_subcommand("unpin", "Serve the newest signal version again");
  unpin->add_option("--tenant", *tenant)->required();
  unpin->callback([&code, tenant] { code = recsys::cli::RunSignalsUnpin(*tenant); });
}

void AddSignals(CLI::App& app, int& code) {
  auto* signals = app.add_subcommand(
      "signals", "Build the daily signal tables from events; list, pin and unpin their versions");
  signals->require_subcommand(1);
  auto tenant = Value<std::string>(), since = Value<std::string>();
  auto method = Value<std::string>("streaming");
  auto full = Value(false), no_wait = Value(false);
  auto* build = signals->add_subcommand(
      "build", "Build popularity, co-visitation and sequences for days with new events");
  build->add_option("--tenant", *tenant, "Only this tenant (external id)");
  build->add_option("--since", *since, "Only days on or after this one (YYYY-MM-DD)");
  build->add_flag("--full", *full, "Every day with events, not only those with new ones");
  build
      ->add_option("--method", *method,
                   "streaming (in this process, default) or sql (in PostgreSQL)")
      ->check(CLI::IsMember({"sql", "streaming"}));
  build->add_flag("--no-wait", *no_wait,
                  "Fail (exit 1) when another builder runs instead of waiting for it");
  build->callback([&code, tenant, since, full, method, no_wait] {
    code = recsys::cli::RunSignalsBuild(*tenant, *since, *full, *method, !*no_wait);
  });
  AddSignalVersions(*signals, code);
}

void AddImport(CLI::App& app, int& code) {
  auto* import = app.add_subcommand("import", "Import events or catalog items from files");
  import->require_subcommand(1);
  for (auto [name, what, kind] :
       {std::tuple{"events", "Import interaction events (as POST /v1/events)",
                   recsys::ImportKind::kEvents},
        std::tuple{"catalog", "Import catalog items (as PUT /v1/catalog/items)",
                   recsys::ImportKind::kCatalog}}) {
    auto options = Value<ImportOptions>();
    options->kind = kind;
    auto* command = import->add_subcommand(name, what);
    command->add_option("--tenant", options->tenant, "Tenant external id")->required();
    command->add_option("FILE", options->files, "CSV or JSON Lines files (.gz too; - is stdin)")
        ->required();
    command->add_option("--format", options->format, "csv or jsonl (default: by extension)")
        ->check(CLI::IsMember({"csv", "jsonl"}));
    command->add_option("--map", options->map, "field=Column,... (CSV column or JSON key)");
    command->add_option("--set", options->set, "field=value,... constants for every record");
    command->add_option("--max-errors", options->max_errors, "Stop after N bad lines (0: never)")
        ->check(CLI::NonNegativeNumber);
    command->add_flag("--dry-run", options->dry_run, "Validate only; write nothing");
    command->callback([&code, options] { code = recsys::cli::RunImport(*options); });
  }
}

void AddDoctor(CLI::App& app, int& code) {
  auto tenant = Value<std::string>(), surface = Value<std::string>("default");
  auto* doctor = app.add_subcommand(
      "doctor", "Check, in order, what makes a tenant's recommendations empty or stale");
  doctor->add_option("--tenant", *tenant, "Tenant external id")->required();
  doctor->add_option("--surface", *surface, "Surface to check (default: default)");
  doctor->callback([&code, tenant, surface] { code = recsys::cli::RunDoctor(*tenant, *surface); });
}

void AddEval(CLI::App& app, int& code) {
  auto* eval = app.add_subcommand("eval", "Evaluate configs offline and experiments online");
  eval->require_subcommand(1);
  auto offline_options = Value<recsys::cli::EvalOfflineOptions>();
  auto* offline = eval->add_subcommand(
      "offline", "Replay the tenant's log: would another config have served better?");
  recsys::cli::EvalOfflineOptions& o = *offline_options;
  offline->add_option("--tenant", o.tenant, "Tenant external id")->required();
  offline
      ->add_option("--split-date", o.split_date,
                   "Events before this day train; each user's first session on/after it is "
                   "the truth (YYYY-MM-DD)")
      ->required();
  offline->add_option("--k", o.k, "Cut-off for the metrics (default 20)")
      ->check(CLI::Range(1, 200));
  offline->add_option("--config", o.config_files, "Config files to compare with the current one");
  offline->add_option("--grid", o.grid,
                      "setting=v1,v2,...: evaluate every combination (e.g. weights.hist=0,0.5,1)");
  offline->add_option("--metric", o.metric, "What ranks configs (default ndcg)");
  offline->add_option("--surface", o.surface, "Surface to evaluate (default: the busiest)");
  offline->add_option("--out", o.out, "Folder for report.json, report.md, report.html and charts");
  offline->add_option("--test-days", o.test_days, "Truth sessions start within these days (7)")
      ->check(CLI::Range(1, 365));
  offline->add_option("--max-users", o.max_users, "Evaluate a fixed sample of this many users")
      ->check(CLI::NonNegativeNumber);
  offline->add_flag("--returning-users", o.returning_users,
                    "Only users with events before the split (returning customers)");
  offline->add_option("--resamples", o.resamples, "Bootstrap resamples (default 1000; 0: none)")
      ->check(CLI::Range(0, 100000));
  offline->add_option("--seed", o.seed, "Seed of the bootstrap and the user sample");
  offline->callback(
      [&code, offline_options] { code = recsys::cli::RunEvalOffline(*offline_options); });

  auto tune_options = Value<recsys::cli::EvalTuneOptions>();
  auto* tune = eval->add_subcommand(
      "tune", "Search the ranking settings on the tenant's own log; write the best as a draft");
  recsys::cli::EvalTuneOptions& t = *tune_options;
  tune->add_option("--tenant", t.tenant, "Tenant external id")->required();
  tune->add_option("--split-date", t.split_date,
                   "Only events before this day are read for the choice (YYYY-MM-DD)")
      ->required();
  tune->add_option("--validation-days", t.validation_days,
                   "Validate on the sessions of the last N days before the split (28)")
      ->check(CLI::Range(1, 365));
  tune->add_option("--k", t.k, "Cut-off for the metrics (default 20)")->check(CLI::Range(1, 200));
  tune->add_option("--metric", t.metric, "What the search maximizes (default recall)");
  tune->add_option("--min-explore", t.min_explore,
                   "Only configs with at least this explore recall may win (default 0)")
      ->check(CLI::Range(0.0, 1.0));
  tune->add_option("--rounds", t.rounds, "Coordinate-ascent rounds at most, per start (default 3)")
      ->check(CLI::Range(1, 10));
  tune->add_flag("--returning-users", t.returning_users,
                 "Only users with events before the validation split");
  tune->add_option("--surface", t.surface, "Surface to tune (default: the busiest)");
  tune->add_option(
          "--held-out-days", t.held_out_days,
          "Afterwards compare current, tuned and the starts on N days from the split (0: no)")
      ->check(CLI::Range(0, 365));
  tune->add_option("--resamples", t.resamples, "Bootstrap resamples of the report (default 1000)")
      ->check(CLI::Range(0, 100000));
  tune->add_option("--out", t.out, "Folder for the report and config.json (the draft)");
  tune->callback([&code, tune_options] { code = recsys::cli::RunEvalTune(*tune_options); });

  auto experiment_options = Value<recsys::cli::EvalExperimentOptions>();
  recsys::cli::EvalExperimentOptions& e = *experiment_options;
  auto* experiment = eval->add_subcommand(
      "experiment", "Analyse an experiment's exposures and interactions: ship, hold or roll back?");
  experiment->add_option("--tenant", e.tenant, "Tenant external id")->required();
  experiment->add_option("--experiment", e.experiment, "Experiment id")->required();
  experiment->add_option("--from", e.from, "Start (YYYY-MM-DD or RFC 3339; default 30 days ago)");
  experiment->add_option("--to", e.to, "End, exclusive (default now)");
  experiment->add_option("--out", e.out, "Folder for report.json, report.md, report.html, charts");
  experiment->add_option("--metric", e.metric,
                         "Primary metric: ctr (default), add_to_cart_rate, purchase_rate, "
                         "revenue_per_exposure");
  experiment->add_flag("--sequential", e.sequential,
                       "Decide on always-valid p-values (safe to look every day)");
  experiment
      ->add_option("--aa", e.aa_splits,
                   "Also run an A/A check with this many random splits of control")
      ->check(CLI::Range(0, 100000));
  experiment->add_option("--alpha", e.alpha, "Significance level (default 0.05)");
  experiment->add_option("--min-users", e.min_users, "Users each variant needs (default 100)")
      ->check(CLI::NonNegativeNumber);
  experiment->callback(
      [&code, experiment_options] { code = recsys::cli::RunEvalExperiment(*experiment_options); });

  auto offpolicy_options = Value<recsys::cli::EvalOffPolicyOptions>();
  recsys::cli::EvalOffPolicyOptions& p = *offpolicy_options;
  auto* offpolicy = eval->add_subcommand(
      "offpolicy", "Estimate draft configs on responses logged with exploration on (IPS, SNIPS)");
  offpolicy->add_option("--tenant", p.tenant, "Tenant external id")->required();
  offpolicy->add_option("--config", p.config_files, "Draft configs to estimate")->required();
  offpolicy->add_option("--from", p.from, "Start (YYYY-MM-DD or RFC 3339; default 7 days ago)");
  offpolicy->add_option("--to", p.to, "End, exclusive (default now)");
  offpolicy->add_option("--clip", p.max_weight, "Largest importance weight (default 100)");
  offpolicy->add_option("--out", p.out, "Folder for report.json, report.md, report.html, charts");
  offpolicy->callback(
      [&code, offpolicy_options] { code = recsys::cli::RunEvalOffPolicy(*offpolicy_options); });

  auto preview_options = Value<recsys::cli::EvalPreviewOptions>();
  recsys::cli::EvalPreviewOptions& v = *preview_options;
  auto* preview = eval->add_subcommand(
      "preview", "What a draft config and/or rules would change on the last N logged requests");
  preview->add_option("--tenant", v.tenant, "Tenant external id")->required();
  preview->add_option("--config", v.config_file, "Draft config document (JSON file)");
  preview->add_option("--rules", v.rules_file, "Draft rules document (JSON file)");
  preview->add_option("--last", v.last, "Replay the newest N logged requests (default 5000)");
  preview->add_option("--surface", v.surface, "Only requests of this surface");
  preview->add_option("--from", v.from, "Only requests logged from (YYYY-MM-DD or RFC 3339)");
  preview->add_option("--to", v.to, "... until, exclusive (default now)");
  preview->add_flag("--json", v.json, "Print the report as JSON (the API's body) instead of text");
  preview->add_option("--out", v.out, "Folder for report.json, report.md, report.html, charts");
  preview->callback(
      [&code, preview_options] { code = recsys::cli::RunEvalPreview(*preview_options); });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"recsys-service: multi-tenant recommendation service on PostgreSQL"};
  app.require_subcommand(1);
  int code = 2;  // no command ran
  for (auto add : {AddServe, AddMigrate, AddPartitions, AddDemo, AddTenants, AddKeys, AddSignals,
                   AddImport, AddDoctor, AddEval}) {
    add(app, code);
  }
  CLI11_PARSE(app, argc, argv);
  return code;
}
