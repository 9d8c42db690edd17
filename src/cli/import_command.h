// `recsys-service import events|catalog`: streams CSV or JSON Lines files (gzip and stdin too)
// through the API's validation into the database in batches (cli.md "Data in").
#pragma once

#include <string>
#include <vector>

#include "core/import_record.h"

namespace recsys::cli {

struct ImportOptions {
  ImportKind kind = ImportKind::kEvents;
  std::string tenant;              // external id
  std::vector<std::string> files;  // "-" is stdin
  std::string format;              // csv | jsonl | "" (from the extension)
  std::string map, set;            // --map, --set
  int64_t max_errors = 0;          // stop after this many bad lines; 0: never
  bool dry_run = false;            // validate only
};

// Returns the exit code: 0 done (bad lines skipped and counted), 1 failed or --max-errors hit,
// 2 usage or configuration error.
int RunImport(const ImportOptions& options);

}  // namespace recsys::cli
