// One refused element of a batch (an event, a catalog item, an import line), reported with its
// position so that the rest of the batch still goes in.
#pragma once

#include <string>

namespace recsys {

struct Rejection {
  int index = 0;       // position in the batch (0-based), or the line number for imports
  std::string code;    // stable, names the field: INVALID_OCCURRED_AT, MISSING_USER, ...
  std::string detail;  // starts with the field path
};

}  // namespace recsys
