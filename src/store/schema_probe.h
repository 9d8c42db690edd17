// Readiness probe for the database: reachable, and every migration of this binary applied
// unchanged (a newer release's additional migrations are fine: see Migrator::CheckServable).
//
// Keeps one connection and reconnects when it is lost. Not thread-safe: call Check() from one
// thread (the readiness monitor's).
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "store/connection_defaults.h"
#include "store/pg.h"

namespace recsys::store {

class SchemaProbe {
 public:
  explicit SchemaProbe(std::string database_url)
      : conn_(std::move(database_url), kProbeConnectTimeoutS) {}

  // OK when the database answers and every embedded migration is applied, unchanged.
  Status Check();

 private:
  ReconnectingConnection conn_;
};

}  // namespace recsys::store
