// `recsys-service serve`: wires the adapters together and runs until SIGINT or SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>

#include "cli/build_settings.h"
#include "cli/commands.h"
#include "cli/serve_config.h"
#include "core/periodic_thread.h"
#include "core/time.h"
#include "eval/impact_preview.h"
#include "http/admin_routes.h"
#include "http/auth.h"
#include "http/console_routes.h"
#include "http/data_routes.h"
#include "http/ops_routes.h"
#include "http/preview_routes.h"
#include "http/router.h"
#include "http/server.h"
#include "http/serving_routes.h"
#include "http/tenant_routes.h"
#include "obs/heap_trimmer.h"
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
#include "store/exposure_sample.h"
#include "store/exposure_writer.h"
#include "store/history_tailer.h"
#include "store/key_usage.h"
#include "store/migrator.h"
#include "store/partition_maintainer.h"
#include "store/partitions.h"
#include "store/pg.h"
#include "store/read_endpoint.h"
#include "store/schema_probe.h"
#include "store/signal_builder.h"
#include "store/state_loader.h"
#include "store/user_key_secret.h"

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

// Idle heap (freed, still resident) beyond this, and beyond a quarter of the heap in use, is
// given back to the kernel (obs/heap_trimmer.h).
constexpr size_t kHeapTrimMinIdleBytes = 16 << 20;

// Outcomes of the scheduled signal builds, for /metrics.
struct BuildOutcomes {
  std::atomic<uint64_t> ok{0}, failed{0}, skipped{0}, days{0};
};

// Everything /metrics reads beside the request counters.
struct GaugeSources {
  const service::StateHolder& state;
  const service::StateRefresher& refresher;
  const BuildOutcomes& builds;
  const store::ExposureWriter* exposures;  // null when exposure logging is off
  const service::ReadinessMonitor& readiness;
  const service::HistoryIndex& history;
  const store::HistoryTailer& history_tailer;
  const service::IngestService& ingest;
  const service::LiveRegistry& live;
  const obs::HeapTrimmer& heap_trimmer;
  const store::ReadEndpoint& reads;
};

// Where reads go (store/read_endpoint.h): the standby's health and lag, reads sent to the primary.
void AddReadGauges(const store::ReadEndpoint& reads, obs::Metrics::Gauges& gauges) {
  if (!reads.has_standby()) return;
  const store::ReadEndpoint::Stats r = reads.stats();
  gauges.push_back({"recsys_db_standby_up", r.standby_up ? 1.0 : 0.0});
  gauges.push_back({"recsys_db_replica_lag_bytes", static_cast<double>(r.lag_bytes)});
  gauges.push_back({"recsys_db_read_fallbacks_total", static_cast<double>(r.fallbacks)});
  gauges.push_back({"recsys_db_consistent_reads_total{server=\"standby\"}",
                    static_cast<double>(r.standby_reads)});
  gauges.push_back({"recsys_db_consistent_reads_total{server=\"primary\",reason=\"behind\"}",
                    static_cast<double>(r.behind_reads)});
}

// The process's memory: resident, malloc's in use and free, and what the trimmer gave back.
void AddMemoryGauges(const obs::HeapTrimmer& trimmer, obs::Metrics::Gauges& gauges) {
  const obs::MemoryReading memory = obs::ReadMemory();
  gauges.push_back({"recsys_process_resident_bytes", static_cast<double>(memory.resident_bytes)});
  gauges.push_back({"recsys_heap_in_use_bytes", static_cast<double>(memory.heap_in_use_bytes)});
  gauges.push_back({"recsys_heap_free_bytes", static_cast<double>(memory.heap_free_bytes)});
  gauges.push_back({"recsys_heap_trims_total", static_cast<double>(trimmer.trims())});
  gauges.push_back(
      {"recsys_heap_trimmed_bytes_total", static_cast<double>(trimmer.released_bytes())});
}

obs::Metrics::Gauges CollectGauges(const GaugeSources& sources) {
  const service::StateHolder& state = sources.state;
  const store::ExposureWriter* exposures = sources.exposures;
  auto current = state.Get();
  double items = 0, warm_started = 0, from_shared = 0, pinned = 0;
  for (const auto& [id, tenant] : current->tenants) {
    for (const auto& [ns, snapshot] : tenant->snapshots) items += snapshot->item_count();
    if (tenant->warm_started) ++warm_started;
    if (tenant->from_shared_snapshot) ++from_shared;
    if (tenant->pinned_version != 0) ++pinned;
  }
  const service::StateRefresher::Outcomes loads = sources.refresher.outcomes();
  const BuildOutcomes& builds = sources.builds;
  obs::Metrics::Gauges gauges = {
      {"recsys_ready", sources.readiness.Current().ready ? 1 : 0},
      {"recsys_tenants", static_cast<double>(current->tenants.size())},
      {"recsys_snapshot_items", items},
      // Tenants still serving warm-start snapshots (0 once their reload from the database is done).
      {"recsys_tenants_warm_started", warm_started},
      // Tenants serving snapshots another instance stored (store/shared_snapshots.h).
      {"recsys_tenants_from_shared_snapshot", from_shared},
      // Tenants serving a pinned signal version, not their newest build (store/signal_pins.h).
      {"recsys_tenants_signals_pinned", pinned},
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
  gauges.push_back({"recsys_history_users", static_cast<double>(sources.history.users())});
  gauges.push_back({"recsys_history_items", static_cast<double>(sources.history.items())});
  // The heap the index really holds (users, sessions and item ids), against its cap.
  gauges.push_back({"recsys_history_bytes", static_cast<double>(sources.history.bytes())});
  gauges.push_back({"recsys_live_bytes", static_cast<double>(sources.live.MemoryBytes())});
  gauges.push_back({"recsys_live_layers", static_cast<double>(sources.live.layers())});
  gauges.push_back({"recsys_live_events_folded_total", static_cast<double>(sources.live.folded())});
  gauges.push_back(
      {"recsys_live_events_refused_total", static_cast<double>(sources.live.refused())});
  gauges.push_back({"recsys_history_max_bytes", static_cast<double>(sources.history.max_bytes())});
  gauges.push_back(
      {"recsys_history_evictions_total", static_cast<double>(sources.history.evictions())});
  gauges.push_back({"recsys_history_events_applied_total",
                    static_cast<double>(sources.history_tailer.events_applied())});
  const service::IngestService::Counts events = sources.ingest.counts();
  gauges.push_back({"recsys_events_accepted_total", static_cast<double>(events.accepted)});
  gauges.push_back({"recsys_events_duplicates_total", static_cast<double>(events.duplicates)});
  gauges.push_back({"recsys_events_rejected_total", static_cast<double>(events.rejected)});
  gauges.push_back({"recsys_events_rate_limited_total", static_cast<double>(events.rate_limited)});
  AddMemoryGauges(sources.heap_trimmer, gauges);
  AddReadGauges(sources.reads, gauges);
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
void RunScheduledBuild(store::SignalBuilder& builder, const store::SignalBuildOptions& options,
                       BuildOutcomes& outcomes) {
  const auto started = std::chrono::steady_clock::now();
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

// Gives freed heap back to the kernel after bursts (obs/heap_trimmer.h), every `heap_trim_ms`.
void StartHeapTrims(const ServeConfig& config, obs::HeapTrimmer& trimmer, PeriodicThread& thread) {
  if (config.heap_trim_ms == 0) return;
  const auto interval = std::chrono::milliseconds(config.heap_trim_ms);
  thread.Start(interval, [&trimmer, interval](bool) {
    trimmer.Check();
    return interval;
  });
}

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

// The checks before serving: the database answers, its schema is this binary's, and the
// exposure partitions ahead exist; without RECSYS_USER_KEY_SECRET, the database's secret is read
// into `config`. Returns 0, or the exit code to stop with.
int PrepareDatabase(ServeConfig& config) {
  auto conn = store::PgConnection::Connect(config.database_direct_url);
  if (!conn.ok()) return Refuse("cannot start", conn.status(), 1);
  Status schema = store::Migrator(conn.value(), store::EmbeddedMigrations()).CheckServable();
  if (!schema.ok()) return Refuse("refusing to start", schema, 2);
  if (config.user_key_secret.empty()) {
    auto secret = store::LoadOrCreateUserKeySecret(conn.value());
    if (!secret.ok()) return Refuse("cannot read the user-key secret", secret.status(), 1);
    config.user_key_secret = std::move(secret).value();
  }
  auto created = store::EnsurePartitions(conn.value(), config.partitions_ahead);
  if (!created.ok()) return Refuse("cannot ensure partitions", created.status(), 1);
  for (const std::string& name : created.value()) {
    obs::Log(obs::Level::kInfo, "partition created").Str("partition", name);
  }
  return 0;
}

void WarnAboutRiskySettings(const ServeConfig& config) {
  if (config.dev_auth_enabled) {
    obs::Log(obs::Level::kWarn,
             "dev-header auth is ON (RECSYS_DEV_AUTH_ENABLED): X-Dev-User-Id and "
             "X-Dev-Org-Id are trusted; never enable this in production");
  }
  if (!config.signal_build_enabled) {
    obs::Log(obs::Level::kWarn, "signal builder schedule is OFF (RECSYS_SIGNAL_BUILD_ENABLED)");
  }
  if (!config.exposure_log_enabled) {
    obs::Log(obs::Level::kWarn, "exposure logging is OFF (RECSYS_EXPOSURE_LOG_ENABLED=false)");
  }
}

// Signals from events, on a schedule; one builder at a time across instances (advisory lock).
void StartSignalSchedule(const ServeConfig& config, store::SignalBuilder& builder,
                         BuildOutcomes& builds, PeriodicThread& schedule) {
  if (!config.signal_build_enabled) return;
  const auto interval = std::chrono::milliseconds(config.signal_build_interval_ms);
  store::SignalBuildOptions options;
  options.method = config.signal_build_in_sql ? store::SignalBuildMethod::kSql
                                              : store::SignalBuildMethod::kStreaming;
  // Live layers serve today: persist it at a slow cadence, build closed days at once.
  if (config.live_signals_enabled) options.today_after_s = config.signal_today_interval_s;
  ApplyVersionSettings(config, options);
  options.trigger = "schedule";
  schedule.Start(interval, [&builder, &builds, interval, options](bool) {
    RunScheduledBuild(builder, options, builds);
    return interval;
  });
}

// A change announced by any instance: a NOTIFY payload (store/change_notice.h); one that cannot
// be read, or a reconnect, reloads everything. Reads that reload it must see the primary's
// position after it (store/read_endpoint.h).
void OnChangeNotice(service::StateRefresher& refresher, store::ReadEndpoint& reads,
                    const std::string& payload, store::WalPosition primary_after) {
  const auto notice = store::ParseChangeNotice(payload);
  reads.Require(std::max(primary_after, notice ? notice->lsn : 0));
  if (!notice || notice->scope == store::ChangeScope::kAll) {
    refresher.RequestReload(/*signals=*/true);
  } else if (notice->scope == store::ChangeScope::kControl) {
    refresher.RequestReload(/*signals=*/false);
  } else {
    // Catalog: availability comes with the control reload, new items' tags with the snapshot.
    refresher.RequestSignalReload(notice->tenant);
  }
}

// The exposure writer, started; null when exposure logging is off.
std::unique_ptr<store::ExposureWriter> StartExposureWriter(const ServeConfig& config) {
  if (!config.exposure_log_enabled) return nullptr;
  store::ExposureWriterOptions options;
  options.database_url = config.database_url;
  options.spill_dir = config.spill_dir;
  options.queue_capacity = static_cast<size_t>(config.exposure_queue_rows);
  options.flush_interval_ms = config.exposure_flush_ms;
  auto writer = std::make_unique<store::ExposureWriter>(options);
  writer->Start();
  return writer;
}

// The authentication modes the configuration turns on, chained (http/auth.h).
class Authenticators {
 public:
  Authenticators(const ServeConfig& config, const service::StateHolder& state,
                 store::KeyUsageRecorder& key_usage)
      : api_keys_(state, config.api_key_secret,
                  [&key_usage](const std::string& id) { key_usage.Record(id); }),
        bearer_(JwtOptionsFrom(config)),
        dev_(config.dev_auth_enabled),
        chain_(config.api_key_secret.empty() ? nullptr : &api_keys_,
               bearer_.enabled() ? &bearer_ : nullptr, config.dev_auth_enabled ? &dev_ : nullptr) {}
  const http::Authenticator& chain() const { return chain_; }

 private:
  static crypto::JwtOptions JwtOptionsFrom(const ServeConfig& config) {
    crypto::JwtOptions jwt;
    jwt.hs256_secret = config.jwt_hs256_secret;
    jwt.public_key_pem = config.jwt_public_key_pem;
    // Parsed once already by LoadServeConfig, which refuses a JWKS file that does not parse.
    if (!config.jwt_jwks_json.empty()) jwt.jwks = crypto::ParseJwks(config.jwt_jwks_json).value();
    jwt.issuer = config.jwt_issuer;
    jwt.audience = config.jwt_audience;
    jwt.tenant_claim = config.jwt_tenant_claim;
    jwt.roles_claim = config.jwt_roles_claim;
    return jwt;
  }

  http::ApiKeyAuthenticator api_keys_;
  http::BearerAuthenticator bearer_;
  http::DevHeaderAuthenticator dev_;
  http::ChainAuthenticator chain_;
};

// Ready: the database answers with this binary's schema, snapshots are loaded, history warmed.
std::vector<service::ReadinessMonitor::Probe> ReadinessProbes(
    const std::string& database_url, const service::StateHolder& state,
    const store::HistoryTailer& history_tailer) {
  auto schema = std::make_shared<store::SchemaProbe>(database_url);
  return {{"database", [schema] { return schema->Check(); }},
          {"snapshots",
           [&state] {
             return state.Get()->signals_loaded
                        ? Status::Ok()
                        : Status::Unavailable("signal snapshots not loaded yet");
           }},
          {"history", [&history_tailer] {
             return history_tailer.warmed()
                        ? Status::Ok()
                        : Status::Unavailable("recent-history index not warmed yet");
           }}};
}

http::ServerOptions ServerOptionsFrom(const ServeConfig& config) {
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
  return options;
}

// Waits for SIGINT or SIGTERM (returned); each SIGHUP meanwhile reloads everything.
int WaitForStopSignal(const sigset_t& handled_signals, service::StateRefresher& refresher) {
  int signal_number = 0;
  while (sigwait(&handled_signals, &signal_number) == 0 && signal_number == SIGHUP) {
    obs::Log(obs::Level::kInfo, "SIGHUP: reloading tenants, config, rules and signals");
    refresher.RequestReload(/*signals=*/true);
  }
  return signal_number;
}

// Builds every part, serves until a stop signal, then stops them in order. Objects are declared
// in dependency order, so they are destroyed (their threads stopped) in the reverse.
int Serve(const ServeConfig& config, const sigset_t& handled_signals) {
  obs::HeapTrimmer heap_trimmer(kHeapTrimMinIdleBytes);
  PeriodicThread heap_trims;
  StartHeapTrims(config, heap_trimmer, heap_trims);
  store::PartitionMaintainer partitions(config.database_url, config.partitions_ahead);
  partitions.Start();
  store::SignalBuilder signal_builder(
      config.database_url,
      config.database_direct_url == config.database_url ? "" : config.database_direct_url);
  BuildOutcomes builds;
  PeriodicThread signal_schedule;
  StartSignalSchedule(config, signal_builder, builds, signal_schedule);

  // Reads go to the standby when there is one (store/read_endpoint.h), probed every second.
  auto reads = std::make_shared<store::ReadEndpoint>(
      store::ReadEndpointOptions{config.database_url, config.database_read_url,
                                 std::chrono::milliseconds(config.database_read_wait_ms)});
  reads->Probe();
  PeriodicThread read_probes;
  if (reads->has_standby()) {
    read_probes.Start(std::chrono::seconds(1), [&reads = *reads](bool) {
      reads.Probe();
      return std::chrono::milliseconds(1000);
    });
  }
  service::StateHolder state;
  auto loader = std::make_shared<store::StateLoader>(reads->UrlForRead());
  loader->UseReadEndpoint(reads);
  if (config.live_signals_enabled) loader->UseLiveLayers();
  loader->UseSignalPins();
  loader->LimitItems(static_cast<size_t>(config.signal_max_items));
  if (config.warm_start_enabled) {
    loader->UseWarmStart(std::make_unique<store::WarmStart>(config.warm_start_dir));
  }
  if (config.shared_snapshots_enabled) {
    store::SharedSnapshotOptions shared;
    shared.database_url = config.database_url;
    shared.min_bytes = static_cast<size_t>(config.shared_snapshot_min_mb) << 20;
    loader->UseSharedSnapshots(std::make_unique<store::SharedSnapshots>(std::move(shared)));
  }
  service::StateRefresher refresher(
      state,
      [loader](const service::ServingState* previous, const service::SignalReload& reload) {
        return loader->Load(previous, reload, NowUs());
      },
      [loader] { return loader->ChangeMarker(); },
      std::chrono::milliseconds(config.refresh_interval_ms));
  (void)refresher.Start();  // a failure is logged; readiness stays false until a load succeeds
  store::ChangeListener listener(
      config.database_direct_url,
      [&refresher, &reads = *reads](const std::string& payload, store::WalPosition after) {
        OnChangeNotice(refresher, reads, payload, after);
      });
  listener.Start();

  std::unique_ptr<store::ExposureWriter> exposures = StartExposureWriter(config);
  // Users' recent history: warmed from the log, then tailed, on every instance.
  service::HistoryIndex history(static_cast<size_t>(config.history_max_mb) << 20);
  // Today's signals: folded from the same tail on every instance (core/live_signals.h).
  service::LiveRegistry live(static_cast<size_t>(config.live_max_mb) << 20);
  service::LiveRegistry* live_layers = config.live_signals_enabled ? &live : nullptr;
  store::HistoryTailer history_tailer(config.database_url, history, state,
                                      std::chrono::milliseconds(config.history_poll_ms),
                                      MaxHistoryDays(*state.Get()), live_layers);
  history_tailer.UseReadEndpoint(reads);
  history_tailer.Start();
  service::RecommendService recommend(
      state, exposures.get(),
      {config.user_key_secret, config.experiment_salt, config.rate_limit_rps}, &history,
      live_layers);
  store::KeyUsageRecorder key_usage(config.database_url, std::chrono::seconds(30));
  key_usage.Start();
  const Authenticators auth(config, state, key_usage);
  store::PgAdminRepository admin_repository(config.database_url, config.spill_dir);
  admin_repository.UseReadEndpoint(reads);  // the console's read pages
  service::AdminService admin(
      admin_repository, state,
      [&refresher](const std::string& tenant, bool signals) {
        if (signals) {
          refresher.RequestSignalReload(tenant);
        } else {
          refresher.RequestReload(/*signals=*/false);
        }
      },
      config.api_key_secret);
  service::ReadinessMonitor readiness(ReadinessProbes(config.database_url, state, history_tailer),
                                      std::chrono::milliseconds(config.readiness_interval_ms));
  readiness.Start();
  store::PgEventStore event_store(config.database_url);
  service::IngestService ingest(
      state, event_store, config.user_key_secret,
      {static_cast<double>(config.events_rate), static_cast<double>(config.events_burst)});
  store::PgCatalogStore catalog_store(config.database_url);
  service::CatalogService catalog(state, catalog_store);

  http::Router router;
  const GaugeSources gauges{state,          refresher, builds, exposures.get(), readiness, history,
                            history_tailer, ingest,    live,   heap_trimmer,    *reads};
  http::AddOpsRoutes(
      router, [&readiness] { return readiness.Current(); },
      [&gauges] { return CollectGauges(gauges); });
  http::AddServingRoutes(router, auth.chain(), recommend);
  http::AddAdminRoutes(router, auth.chain(), admin, recommend);
  // Impact previews: the exposure log replayed on their own worker, never on the I/O threads.
  store::PgExposureSample exposure_sample(config.database_url);
  eval::ReplayPreviewer previewer(exposure_sample, state, recommend);
  service::PreviewRunner previews(previewer, {});
  http::AddPreviewRoutes(router, auth.chain(), admin, previews);
  http::AddDataRoutes(router, auth.chain(), ingest, catalog);
  http::AddTenantRoutes(router, auth.chain(), admin);
  http::AddConsoleRoutes(router);
  http::HttpServer server(ServerOptionsFrom(config), router);
  if (Status s = server.Start(); !s.ok()) return Refuse("cannot start", s, 1);
  obs::Log(obs::Level::kInfo, "listening")
      .Str("host", config.http_host)
      .Int("port", server.port())
      .Int("threads", config.http_threads);

  const int signal_number = WaitForStopSignal(handled_signals, refresher);
  obs::Log(obs::Level::kInfo, "shutting down").Str("signal", strsignal(signal_number));
  previews.Stop();  // first: running previews answer 503 while the server can still write
  server.Stop();
  if (exposures) exposures->Stop();  // flush every accepted exposure before exit
  if (config.warm_start_enabled) SaveForWarmStart(config.warm_start_dir, *state.Get());
  return 0;
}

}  // namespace

int RunServe(bool check_config_only) {
  const sigset_t handled_signals = BlockHandledSignals();
  auto loaded =
      LoadServeConfig(ProcessEnv(), static_cast<int>(std::thread::hardware_concurrency()));
  if (!loaded.ok()) {
    std::fprintf(stderr, "recsys-service: configuration error: %s\n",
                 loaded.status().message().c_str());
    return 2;
  }
  ServeConfig config = std::move(loaded).value();
  if (check_config_only) {
    std::printf("configuration ok: listen %s:%d, %d threads\n", config.http_host.c_str(),
                config.http_port, config.http_threads);
    return 0;
  }
  if (!obs::LimitMallocArenas(config.malloc_arena_max)) {
    std::fprintf(stderr, "recsys-service: warning: malloc refused RECSYS_MALLOC_ARENA_MAX=%d\n",
                 config.malloc_arena_max);
  }
  obs::InitLogging(config.log_level);
  if (const int code = PrepareDatabase(config); code != 0) return code;
  WarnAboutRiskySettings(config);
  const int code = Serve(config, handled_signals);
  if (code == 0) obs::Log(obs::Level::kInfo, "stopped");
  obs::ShutdownLogging();
  return code;
}

}  // namespace recsys::cli
