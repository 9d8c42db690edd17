// A version of a tenant's signals (docs/signal-versions.md): the base snapshots one signal build
// produced, kept with a manifest, and the pin that serves one version instead of the newest.
// Plain values; stored by store/signal_versions.h and store/signal_pins.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace recsys::service {

// What a build wrote and why: recorded with the version it produced.
struct SignalBuildManifest {
  std::string trigger;            // schedule | cli
  std::string built_by;           // the instance or the user that ran it
  std::vector<std::string> days;  // YYYY-MM-DD, the days the build wrote
  int64_t events = 0;
  int64_t popularity_rows = 0, covisit_rows = 0, sequence_rows = 0;
};

// One kept version as listed (never its bytes).
struct SignalVersionInfo {
  int64_t version = 0;
  std::string built_at;     // RFC 3339, UTC
  std::string through_day;  // YYYY-MM-DD, the newest day the snapshots hold; empty when none
  SignalBuildManifest manifest;
  int64_t items = 0, bytes = 0;
  bool pinned = false;
};

// A tenant's pin: serving uses `version` until unpinned, whatever is built meanwhile.
struct SignalPin {
  int64_t version = 0;
  std::string pinned_at;  // RFC 3339, UTC
  std::string pinned_by;
  int64_t newer_versions = 0;  // versions built after the pinned one (still kept)
};

// A tenant's kept versions, newest first, and its pin (version 0: none).
struct SignalVersions {
  std::vector<SignalVersionInfo> versions;
  SignalPin pin;
};

}  // namespace recsys::service
