// libFuzzer target: the business rules validator (PUT .../rules, rules/dry-run) and rule ids.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  if (recsys::ParseRules(json).ok()) {
    // Saving assigns ids to rules without one; the result must still be valid rules.
    if (!recsys::ParseRules(recsys::WithRuleIds(json)).ok()) __builtin_trap();
  }
  return 0;
}
