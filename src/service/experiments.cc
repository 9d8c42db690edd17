#include "service/experiments.h"

#include <cstring>

#include "crypto/digest.h"

namespace recsys::service {

std::optional<Assignment> AssignExperiment(const TenantConfig& config, std::string_view surface,
                                           std::string_view user_id, std::string_view salt,
                                           std::string_view requested_id,
                                           std::string_view requested_variant) {
  if (!requested_id.empty()) {
    Assignment a{std::string(requested_id), std::string(requested_variant), config, {}, {}};
    for (const Experiment& e : *config.experiments) {
      if (e.id != requested_id) continue;
      for (const ExperimentVariant& v : e.variants) {
        if (v.name == requested_variant) a.config = WithVariant(config, v);
      }
    }
    return a;
  }
  const Experiment* experiment = ExperimentFor(config, surface);
  if (experiment == nullptr) return std::nullopt;
  if (experiment->mode == ExperimentMode::kInterleave) {
    const ExperimentVariant& first = experiment->variants[0];
    const ExperimentVariant& second = experiment->variants[1];
    return Assignment{experiment->id,
                      kInterleavedVariant,
                      WithVariant(config, first),
                      WithVariant(config, second),
                      {first.name, second.name}};
  }
  if (user_id.empty()) return std::nullopt;
  // The separator keeps ("ab", "c") and ("a", "bc") apart.
  const std::string mac = crypto::HmacSha256(salt, experiment->id + '\x1f' + std::string(user_id));
  uint64_t hash = 0;
  std::memcpy(&hash, mac.data(), sizeof hash);
  const ExperimentVariant& variant = PickVariant(*experiment, hash);
  return Assignment{experiment->id, variant.name, WithVariant(config, variant), {}, {}};
}

}  // namespace recsys::service
