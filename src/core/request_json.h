// The normalized request as JSON: what /v1/recommend/validate echoes (every default written out,
// so the text alone says what ranked) and the compact form an exposure row stores. Pure;
// thread-safe.
#pragma once

#include <string>

#include "core/request.h"

namespace recsys {

// Every field, defaults included, with the user identifiers: what validate echoes.
std::string NormalizedRequestJson(const RecommendRequest& request);

// What an exposure row stores: surface, segment and k always, every other field only when it is
// not its default (a missing field means the default), and never the user identifiers. Smaller
// rows are cheaper for PostgreSQL to parse into jsonb and index on every response.
std::string ExposureRequestJson(const RecommendRequest& request);

}  // namespace recsys
