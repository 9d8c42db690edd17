// UUID text helpers for request ids.
#pragma once

#include <string>
#include <string_view>

namespace recsys {

// True when `text` is a UUID in canonical 8-4-4-4-12 hex form (either case).
bool IsUuid(std::string_view text);

// A new random (version 4) UUID in lower-case canonical form. Thread-safe.
std::string NewUuidV4();

// A new time-ordered (version 7, RFC 9562) UUID in lower-case canonical form: 48 bits of Unix
// milliseconds, then 74 random bits. Ids made in a later millisecond sort after earlier ones, so
// an index on them (the event logs' request ids) takes inserts at its right edge instead of at
// random pages. Thread-safe.
std::string NewUuidV7();

}  // namespace recsys
