// `recsys-service serve`: wires the adapters together and runs until SIGINT or SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/serve_config.h"
#include "core/periodic_thread.h"
#include "core/time.h"
#include "http/admin_routes.h"
#include "http/auth.h"
#include "http/data_routes.h"
#include "http/ops_routes.h"
#include "http/router.h"
#include "http/server.h"
#include "http/serving_routes.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "service/admin_service.h"
#include "service/history_index.h"
#include "service/readiness.h"
#include "service/recommend_service.h"
#include "service/serving_state.h"
#include "service/state_refresher.h"
#include "store/admin_repository.h"
#include "store/catalog_store.h"
#include "store/change_listener.h"
#include "store/change_notice.h"
#include "store/event_store.h"
#include "store/exposure_writer.h"
#include "store/history_tailer.h"
#include "store/key_usage.h"
#include "store/migrator.h"
#include "store/partition_maintainer.h"
#include "store/partitions.h"
#include "store/pg.h"
#include "store/schema_probe.h"
#include "store/signal_builder.h"
#include "store/state_loader.h"

namespace recsys::cli {
namespace {

int Refuse(const char* what, const Status& status, int code) {
  obs::Log(obs::Level::kError, what).Str("error", status.message());
  obs::ShutdownLogging();
  std::fprintf(stderr, "recsys-service: %s: %s\n", what, status.message().c_str());
  return code;
}

// Blocks SIGINT, SIGTERM (shut down) and SIGHUP (reload state now) in this thread, and so in
// every thread started after it; the main thread then takes them synchronously with sigwait.
sigset_t BlockHandledSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Outcomes of the scheduled signal builds, for /metrics.
struct BuildOutcomes {
  std::atomic<uint64_t> ok{0}, failed{0}, skipped{0}, days{0};
};

// What /metrics reports beside the request counters.
obs::Metrics::Gauges CollectGauges(const service::StateHolder& state,
                                   const service::StateRefresher& refresher,
                                   const BuildOutcomes& builds,
                                   const store::ExposureWriter* exposures,
                                   const service::ReadinessMonitor& readiness) {
  auto current = state.Get();
  double items = 0;
  for (const auto& [id, tenant] : current->tenants) {
    for (const auto& [ns, snapshot] : tenant->snapshots) items += snapshot->item_count();
  }
  const service::StateRefresher::Outcomes loads = refresher.outcomes();
  obs::Metrics::Gauges gauges = {
      {"recsys_ready", readiness.Current().ready ? 1 : 0},
      {"recsys_tenants", static_cast<double>(current->tenants.size())},
      {"recsys_snapshot_items", items},
      {"recsys_state_loaded_timestamp_seconds", static_cast<double>(current->loaded_at) / 1e6},
      {"recsys_state_loads_total{outcome=\"ok\"}", static_cast<double>(loads.ok)},
      {"recsys_state_loads_total{outcome=\"failed\"}", static_cast<double>(loads.failed)},
      {"recsys_signal_builds_total{outcome=\"ok\"}", static_cast<double>(builds.ok.load())},
      {"recsys_signal_builds_total{outcome=\"failed\"}", static_cast<double>(builds.failed.load())},
      {"recsys_signal_builds_total{outcome=\"skipped\"}",
       static_cast<double>(builds.skipped.load())},
      {"recsys_signal_build_days_total", static_cast<double>(builds.days.load())}};
  const TimestampUs now = NowUs();
  for (const auto& [id, tenant] : current->tenants) {
    if (tenant->signals_loaded_at == 0) continue;
    gauges.push_back({"recsys_snapshot_age_seconds{" + obs::Label("tenant", id) + "}",
                      static_cast<double>(now - tenant->signals_loaded_at) / 1e6});
  }
  if (exposures != nullptr) {
    const store::ExposureStats e = exposures->stats();
    gauges.push_back({"recsys_exposure_queue_rows", static_cast<double>(e.queued)});
    gauges.push_back({"recsys_exposure_overflow_rows", static_cast<double>(e.overflow)});
    gauges.push_back({"recsys_exposure_enqueued_total", static_cast<double>(e.enqueued)});
    gauges.push_back({"recsys_exposure_written_total", static_cast<double>(e.written)});
    gauges.push_back({"recsys_exposure_spilled_total", static_cast<double>(e.spilled)});
    gauges.push_back({"recsys_exposure_replayed_total", static_cast<double>(e.replayed)});
    gauges.push_back(
        {"recsys_exposure_failed_batches_total", static_cast<double>(e.failed_batches)});
    gauges.push_back({"recsys_exposure_dead_lettered_total", static_cast<double>(e.dead_lettered)});
    gauges.push_back({"recsys_exposure_torn_records_total", static_cast<double>(e.torn_records)});
  }
  return gauges;
}

// The longest history window any tenant asks for (the warm-up reads that far back).
int MaxHistoryDays(const service::ServingState& state) {
  int days = SignalParams().history_days;
  for (const auto& [id, tenant] : state.tenants) {
    days = std::max(days, tenant->config.signals.history_days);
  }
  return days;
}

// One run of the background signal builder, logged and counted.
void RunScheduledBuild(store::SignalBuilder& builder, store::SignalBuildMethod method,
                       BuildOutcomes& outcomes) {
  const auto started = std::chrono::steady_clock::now();
  store::SignalBuildOptions options;
  options.method = method;
  auto report = builder.Run(options);
  if (!report.ok()) {
    // Another instance building is the normal case with several instances.
    ++(report.status().code() == StatusCode::kConflict ? outcomes.skipped : outcomes.failed);
    if (report.status().code() != StatusCode::kConflict) {
      obs::Log(obs::Level::kWarn,
               "signal build failed; remaining days stay marked for the next run")
          .Str("error", report.status().message());
    }
    return;
  }
  ++outcomes.ok;
  outcomes.days += static_cast<uint64_t>(report.value().days);
  if (report.value().days == 0) return;
  obs::Log(obs::Level::kInfo, "signals built")
      .Int("days", report.value().days)
      .Int("events", report.value().events)
      .Int("duration_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count());
}

}  // namespace

// Saves the snapshots for the next start on this machine; logged, never fatal.
void SaveForWarmStart(const std::string& dir, const service::ServingState& state) {
  const auto started = std::chrono::steady_clock::now();
  auto saved = store::WarmStart(dir).SaveAll(state, NowUs());
  if (!saved.ok()) {
    obs::Log(obs::Level::kWarn, "warm-start save failed; the next start loads cold")
        .Str("error", saved.status().message());
    return;
  }
  obs::Log(obs::Level::kInfo, "snapshots saved for a warm start")
      .Str("dir", dir)
      .Int("tenants", static_cast<int64_t>(saved.value()))
      .Int("duration_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count());
}

int RunServe(bool check_config_only) {
  const sigset_t handled_signals = BlockHandledSignals();
  auto loaded =
      LoadServeConfig(ProcessEnv(), static_cast<int>(std::thread::hardware_concurrency()));
  if (!loaded.ok()) {
    std::fprintf(stderr, "recsys-service: configuration error: %s\n",
                 loaded.status().message().c_str());
    return 2;
  }
  const ServeConfig config = std::move(loaded).value();
  if (check_config_only) {
    std::printf("configuration ok: listen %s:%d, %d threads\n", config.http_host.c_str(),
                config.http_port, config.http_threads);
    return 0;
  }
  obs::InitLogging(config.log_level);

  {
    auto conn = store::PgConnection::Connect(config.database_url);
    if (!conn.ok()) return Refuse("cannot start", conn.status(), 1);
    Status schema = store::Migrator(conn.value(), store::EmbeddedMigrations()).CheckServable();
    if (!schema.ok()) return Refuse("refusing to start", schema, 2);
    auto created = store::EnsurePartitions(conn.value(), config.partitions_ahead);
    if (!created.ok()) return Refuse("cannot ensure partitions", created.status(), 1);
    for (const std::string& name : created.value()) {
      obs::Log(obs::Level::kInfo, "partition created").Str("partition", name);
    }
  }
  if (config.dev_auth_enabled) {
    obs::Log(obs::Level::kWarn,
             "dev-header auth is ON (RECSYS_DEV_AUTH_ENABLED): X-Dev-User-Id and "
             "X-Dev-Org-Id are trusted; never enable this in production");
  }

  if (config.user_key_secret_generated) {
    obs::Log(obs::Level::kWarn,
             "RECSYS_USER_KEY_SECRET is not set: user keys in exposure rows "
             "use a random per-process secret and will not join across restarts");
  }

  store::PartitionMaintainer partitions(config.database_url, config.partitions_ahead);
  partitions.Start();

  // Signals from events, on a schedule; one builder at a time across instances (advisory lock).
  store::SignalBuilder signal_builder(config.database_url);
  BuildOutcomes builds;
  PeriodicThread signal_schedule;
  if (config.signal_build_enabled) {
    const auto interval = std::chrono::milliseconds(config.signal_build_interval_ms);
    const auto method = config.signal_build_in_sql ? store::SignalBuildMethod::kSql
                                                   : store::SignalBuildMethod::kStreaming;
    signal_schedule.Start(interval, [&signal_builder, &builds, interval, method](bool) {
      RunScheduledBuild(signal_builder, method, builds);
      return interval;
    });
  } else {
    obs::Log(obs::Level::kWarn, "signal builder schedule is OFF (RECSYS_SIGNAL_BUILD_ENABLED)");
  }

  service::StateHolder state;
  auto loader = std::make_shared<store::StateLoader>(config.database_url);
  if (config.warm_start_enabled) {
    loader->UseWarmStart(std::make_unique<store::WarmStart>(config.warm_start_dir));
  }
  service::StateRefresher refresher(
      state,
      [loader](const service::ServingState* previous, const service::SignalReload& reload) {
        return loader->Load(previous, reload, NowUs());
      },
      [loader] { return loader->ChangeMarker(); },
      std::chrono::milliseconds(config.refresh_interval_ms));
  (void)refresher.Start();  // a failure is logged; readiness stays false until a load succeeds

  // Admin changes on any instance arrive as NOTIFY; a reconnect reloads everything.
  store::ChangeListener listener(config.database_url, [&refresher](const std::string& payload) {
    const auto notice = store::ParseChangeNotice(payload);
    if (!notice || notice->scope == store::ChangeScope::kAll) {
      refresher.RequestReload(/*signals=*/true);
    } else if (notice->scope == store::ChangeScope::kControl) {
      refresher.RequestReload(/*signals=*/false);
    } else {
      // Catalog: availability comes with the control reload, new items' tags with the snapshot.
      refresher.RequestSignalReload(notice->tenant);
    }
  });
  listener.Start();

  std::unique_ptr<store::ExposureWriter> exposures;
  if (config.exposure_log_enabled) {
    store::ExposureWriterOptions writer_options;
    writer_options.database_url = config.database_url;
    writer_options.spill_dir = config.spill_dir;
    writer_options.queue_capacity = static_cast<size_t>(config.exposure_queue_rows);
    exposures = std::make_unique<store::ExposureWriter>(writer_options);
    exposures->Start();
  } else {
    obs::Log(obs::Level::kWarn, "exposure logging is OFF (RECSYS_EXPOSURE_LOG_ENABLED=false)");
  }
  // Users' recent history: warmed from the log, then tailed, on every instance.
  service::HistoryIndex history(static_cast<size_t>(config.history_max_mb) << 20);
  store::HistoryTailer history_tailer(config.database_url, history, state,
                                      std::chrono::milliseconds(config.history_poll_ms),
                                      MaxHistoryDays(*state.Get()));
  history_tailer.Start();
  service::RecommendService recommend(
      state, exposures.get(),
      {config.user_key_secret, config.experiment_salt, config.rate_limit_rps}, &history);
  store::KeyUsageRecorder key_usage(config.database_url, std::chrono::seconds(30));
  key_usage.Start();
  http::ApiKeyAuthenticator api_keys(state, config.api_key_secret,
                                     [&key_usage](const std::string& id) { key_usage.Record(id); });
  crypto::JwtOptions jwt;
  jwt.hs256_secret = config.jwt_hs256_secret;
  jwt.public_key_pem = config.jwt_public_key_pem;
  if (!config.jwt_jwks_json.empty()) jwt.jwks = crypto::ParseJwks(config.jwt_jwks_json).value();
  jwt.issuer = config.jwt_issuer;
  jwt.audience = config.jwt_audience;
  jwt.tenant_claim = config.jwt_tenant_claim;
  jwt.roles_claim = config.jwt_roles_claim;
  http::BearerAuthenticator bearer(jwt);
  http::DevHeaderAuthenticator dev(config.dev_auth_enabled);
  http::ChainAuthenticator auth(config.api_key_secret.empty() ? nullptr : &api_keys,
                                bearer.enabled() ? &bearer : nullptr,
                                config.dev_auth_enabled ? &dev : nullptr);
  store::PgAdminRepository admin_repository(config.database_url);
  service::AdminService admin(admin_repository, state,
                              [&refresher](const std::string& tenant, bool signals) {
                                if (signals) {
                                  refresher.RequestSignalReload(tenant);
                                } else {
                                  refresher.RequestReload(/*signals=*/false);
                                }
                              });

  auto probe = std::make_shared<store::SchemaProbe>(config.database_url);
  service::ReadinessMonitor readiness(
      {{"database", [probe] { return probe->Check(); }},
       {"snapshots",
        [&state] {
          return state.Get()->signals_loaded
                     ? Status::Ok()
                     : Status::Unavailable("signal snapshots not loaded yet");
        }},
       {"history",
        [&history_tailer] {
          return history_tailer.warmed()
                     ? Status::Ok()
                     : Status::Unavailable("recent-history index not warmed yet");
        }}},
      std::chrono::milliseconds(config.readiness_interval_ms));
  readiness.Start();

  store::PgEventStore event_store(config.database_url);
  service::IngestService ingest(state, event_store, config.user_key_secret);
  http::Router router;
  http::AddOpsRoutes(
      router, [&readiness] { return readiness.Current(); },
      [&] {
        auto gauges = CollectGauges(state, refresher, builds, exposures.get(), readiness);
        gauges.push_back({"recsys_history_users", static_cast<double>(history.users())});
        gauges.push_back({"recsys_history_bytes", static_cast<double>(history.bytes())});
        gauges.push_back(
            {"recsys_history_evictions_total", static_cast<double>(history.evictions())});
        gauges.push_back({"recsys_history_events_applied_total",
                          static_cast<double>(history_tailer.events_applied())});
        const service::IngestService::Counts events = ingest.counts();
        gauges.push_back({"recsys_events_accepted_total", static_cast<double>(events.accepted)});
        gauges.push_back(
            {"recsys_events_duplicates_total", static_cast<double>(events.duplicates)});
        gauges.push_back({"recsys_events_rejected_total", static_cast<double>(events.rejected)});
        return gauges;
      });
  http::AddServingRoutes(router, auth, recommend);
  http::AddAdminRoutes(router, auth, admin, recommend);
  store::PgCatalogStore catalog_store(config.database_url);
  service::CatalogService catalog(state, catalog_store);
  http::AddDataRoutes(router, auth, ingest, catalog);

  http::ServerOptions options;
  options.host = config.http_host;
  options.port = config.http_port;
  options.threads = config.http_threads;
  options.max_body_bytes = config.max_body_bytes;
  options.request_timeout_ms = config.request_timeout_ms;
  options.shutdown_grace_ms = config.shutdown_grace_ms;
  options.access_log_one_in = config.access_log_one_in;
  options.max_connections = config.max_connections;
  options.cors_origins = config.cors_origins;
  http::HttpServer server(options, router);
  if (Status s = server.Start(); !s.ok()) return Refuse("cannot start", s, 1);
  obs::Log(obs::Level::kInfo, "listening")
      .Str("host", config.http_host)
      .Int("port", server.port())
      .Int("threads", config.http_threads);

  int signal_number = 0;
  while (sigwait(&handled_signals, &signal_number) == 0 && signal_number == SIGHUP) {
    obs::Log(obs::Level::kInfo, "SIGHUP: reloading tenants, config, rules and signals");
    refresher.RequestReload(/*signals=*/true);
  }
  obs::Log(obs::Level::kInfo, "shutting down").Str("signal", strsignal(signal_number));
  server.Stop();
  if (exposures) exposures->Stop();  // flush every accepted exposure before exit
  if (config.warm_start_enabled) SaveForWarmStart(config.warm_start_dir, *state.Get());
  obs::Log(obs::Level::kInfo, "stopped");
  obs::ShutdownLogging();
  return 0;
}

}  // namespace recsys::cli
