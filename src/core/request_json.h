// The normalized request as JSON: what /v1/recommend/validate echoes and what an exposure row
// stores (without user ids). Every default is written out, so the text alone says what ranked.
// Pure; thread-safe.
#pragma once

#include <string>

#include "core/request.h"

namespace recsys {

// With `include_user_ids` false the user identifiers are left out (what exposure rows store).
std::string NormalizedRequestJson(const RecommendRequest& request, bool include_user_ids);

}  // namespace recsys
