// The demo tenant: tenant `demo`, 300 items tagged brand:/category:, 30 days of popularity,
// 14 days of co-visitation, a default config and an empty rule set.
//
// Idempotent: a second run leaves the same rows (signals are upserted, and a config or rules
// pointer an operator has already moved is left alone). Deterministic: no randomness.
#pragma once

#include "core/status.h"
#include "store/pg.h"

namespace recsys::store {

inline constexpr const char* kDemoTenant = "demo";
inline constexpr int kDemoItemCount = 300;

// Seeds the demo tenant in one transaction. REQUIRES: a migrated database.
Status SeedDemo(PgConnection& conn);

}  // namespace recsys::store
