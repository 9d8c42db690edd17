#include "cli/build_settings.h"

#include <unistd.h>

namespace recsys::cli {

void ApplyVersionSettings(const ServeConfig& config, store::SignalBuildOptions& options) {
  options.versions_keep = config.signal_versions_keep;
  options.live_layers = config.live_signals_enabled;
  options.max_items = static_cast<size_t>(config.signal_max_items);
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  options.built_by = std::string(host[0] != '\0' ? host : "unknown") + ":" +
                     std::to_string(static_cast<long>(getpid()));
}

}  // namespace recsys::cli
