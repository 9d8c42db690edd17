// `recsys-service signals build`: the signal builder, once, with progress and a summary; it
// keeps signal versions as serve's schedule does (cli/build_settings.h).
#include <chrono>
#include <cstdio>
#include <thread>

#include "cli/build_settings.h"
#include "cli/command_env.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/serve_config.h"
#include "core/time.h"
#include "store/signal_builder.h"

namespace recsys::cli {

int RunSignalsBuild(const std::string& tenant, const std::string& since, bool full,
                    const std::string& method, bool wait) {
  auto url = ProcessEnv()("DATABASE_URL");
  if (!url || url->empty()) {
    std::fprintf(stderr, "recsys-service: DATABASE_URL is not set (want a libpq URL)\n");
    return 2;
  }
  // Versions are kept as serve keeps them, from the same settings.
  auto config = LoadServeConfig(ProcessEnv(), 1);
  if (!config.ok()) {
    std::fprintf(stderr, "recsys-service: %s\n", config.status().message().c_str());
    return 2;
  }
  store::SignalBuildOptions options;
  ApplyVersionSettings(config.value(), options);
  options.built_by = CliActor();
  options.tenant = tenant;
  options.full = full;
  options.method =
      method == "streaming" ? store::SignalBuildMethod::kStreaming : store::SignalBuildMethod::kSql;
  if (!since.empty()) {
    options.since = ParseDate(since);
    if (!options.since) {
      std::fprintf(stderr, "recsys-service: --since: want a date YYYY-MM-DD, got %s\n",
                   since.c_str());
      return 2;
    }
  }
  const auto started = std::chrono::steady_clock::now();
  Progress progress("signals build", "days", 0);
  store::SignalBuilder builder(*url);
  auto on_day = [&](const std::string&, int32_t, int done, int total) {
    progress.SetTotal(total);
    progress.Update(done);
  };
  auto report = builder.Run(options, on_day);
  // Another builder (serve's schedule, most often) holds the lock: it ends within a run, and
  // what it leaves marked is built here afterwards.
  for (bool told = false; wait && report.status().code() == StatusCode::kConflict;) {
    if (!told) {
      std::fprintf(stderr,
                   "recsys-service: signals build: another builder is running; waiting for it "
                   "(--no-wait to fail instead)\n");
      told = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    report = builder.Run(options, on_day);
  }
  progress.Finish();
  if (!report.ok()) {
    std::fprintf(stderr, "recsys-service: signals build: %s\n", report.status().message().c_str());
    if (report.status().code() == StatusCode::kUnavailable) {
      std::fprintf(stderr, "days not built yet stay marked; run the command again to resume\n");
    }
    return report.status().code() == StatusCode::kNotFound ? 2 : 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const store::SignalBuildReport& r = report.value();
  std::printf(
      "built %d day(s) for %d tenant(s) from %lld events in %.1f s: %lld popularity, %lld "
      "co-visitation, %lld sequence rows\n",
      r.days, r.tenants, static_cast<long long>(r.events), seconds,
      static_cast<long long>(r.popularity_rows), static_cast<long long>(r.covisit_rows),
      static_cast<long long>(r.sequence_rows));
  if (r.versions > 0) {
    std::printf("kept %d signal version(s) (signals versions --tenant T lists them)\n", r.versions);
  }
  std::printf(
      "time: %.1f s read, %.1f s aggregate, %.1f s write, %.1f s index, %.1f s swap (summed over "
      "workers)\n",
      r.times.read_s, r.times.aggregate_s, r.times.write_s, r.times.index_s, r.times.swap_s);
  return 0;
}

}  // namespace recsys::cli
