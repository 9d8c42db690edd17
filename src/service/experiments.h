// Experiment assignment (ranking.md "Experiments"): with no experiment in the request, the user
// gets the variant HMAC(salt, experiment id + user id) falls in, by weight; a request that names a
// configured experiment and variant gets that variant. An interleaving experiment gives every
// request on its surface both variants, to be merged (core/interleave.h). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/tenant_config.h"

namespace recsys::service {

// The variant name an interleaved request records (its exposure row's experiment_variant).
inline constexpr const char* kInterleavedVariant = "interleaved";

struct Assignment {
  std::string experiment_id;
  std::string variant;  // kInterleavedVariant for an interleaving experiment
  TenantConfig config;  // the tenant config with the variant's overrides
  // Interleaving only: the second variant's config, and both variants' names (the teams).
  std::optional<TenantConfig> second_config;
  std::string teams[2];
};

// The assignment for a request on `surface` by `user_id` (any stable user identifier), or
// nullopt when no experiment applies. `requested_*`: the request's own experiment, if any; an
// experiment or variant the config does not know is recorded but changes nothing.
std::optional<Assignment> AssignExperiment(const TenantConfig& config, std::string_view surface,
                                           std::string_view user_id, std::string_view salt,
                                           std::string_view requested_id = {},
                                           std::string_view requested_variant = {});

}  // namespace recsys::service
