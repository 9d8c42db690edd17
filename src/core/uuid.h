// UUID text helpers for request ids.
#pragma once

#include <string>
#include <string_view>

namespace recsys {

// True when `text` is a UUID in canonical 8-4-4-4-12 hex form (either case).
bool IsUuid(std::string_view text);

// A new random (version 4) UUID in lower-case canonical form. Thread-safe.
std::string NewUuidV4();

}  // namespace recsys
