// Test-only: a synthetic shop (testing/shop_generator.h) loaded into a tenant with the CLI, as an
// operator would: `tenants create`, `import catalog`, `import events`.
#pragma once

#include <string>
#include <vector>

#include "testing/shop_generator.h"

namespace recsys::testing {

// Writes `lines` to `path` (truncated), one a line.
void WriteLines(const std::string& path, const std::vector<std::string>& lines);

// Creates tenant `tenant` on `database_url` and imports `shop`'s catalog and events, written as
// JSON Lines into folder `dir` first. Returns false, after a test failure naming the command and
// its output, at the first command that fails.
bool ImportShop(const std::string& database_url, const std::string& tenant, const ShopData& shop,
                const std::string& dir);

}  // namespace recsys::testing
