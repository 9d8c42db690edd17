// The signal builder's settings that must match what serving loads (cli/serve_config.h): how a
// kept signal version's base is read (closed days only with live layers, the item limit) and how
// many versions are kept. The same for serve's schedule and `signals build`.
#pragma once

#include "cli/serve_config.h"
#include "store/signal_builder.h"

namespace recsys::cli {

void ApplyVersionSettings(const ServeConfig& config, store::SignalBuildOptions& options);

}  // namespace recsys::cli
