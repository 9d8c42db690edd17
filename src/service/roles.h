// The roles an API key or a JWT grants: viewer < operator < admin, each allowing what the ones
// below it allow. One reader of role lists for every place that takes them (the admin API's
// {"roles": [...]}, the CLI's --roles, PostgreSQL's array_to_string(roles, ',')). Pure;
// thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace recsys::service {

// 1 viewer, 2 operator, 3 admin; 0 for anything else.
int RoleRank(std::string_view role);

// Whether a caller holding `held` may act where `needed` is required: some held role ranks at
// least as high as `needed`. False when `needed` is not a role.
bool GrantsRole(const std::vector<std::string>& held, std::string_view needed);

// The parts of "viewer,operator" in order; empty parts are skipped ("" gives none).
std::vector<std::string> SplitRoles(std::string_view comma_separated);

// OK when `roles` is not empty and each is a role; otherwise kInvalidArgument naming the
// offender ("roles: \"owner\" is not one of viewer, operator, admin").
Status CheckRoles(const std::vector<std::string>& roles);

}  // namespace recsys::service
