// `recsys-service signals build`: the signal builder, once, with progress and a summary.
#include <chrono>
#include <cstdio>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/serve_config.h"
#include "core/time.h"
#include "store/signal_builder.h"

namespace recsys::cli {

int RunSignalsBuild(const std::string& tenant, const std::string& since, bool full,
                    const std::string& method) {
  auto url = ProcessEnv()("DATABASE_URL");
  if (!url || url->empty()) {
    std::fprintf(stderr, "recsys-service: DATABASE_URL is not set (want a libpq URL)\n");
    return 2;
  }
  store::SignalBuildOptions options;
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
  auto report = builder.Run(options, [&](const std::string&, int32_t, int done, int total) {
    progress.SetTotal(total);
    progress.Update(done);
  });
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
  return 0;
}

}  // namespace recsys::cli
