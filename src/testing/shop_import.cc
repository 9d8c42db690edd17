#include "testing/shop_import.h"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/test_db.h"

namespace recsys::testing {

void WriteLines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path);
  for (const std::string& line : lines) out << line << '\n';
}

bool ImportShop(const std::string& database_url, const std::string& tenant, const ShopData& shop,
                const std::string& dir) {
  WriteLines(dir + "/catalog.jsonl", shop.catalog);
  WriteLines(dir + "/events.jsonl", shop.events);
  for (const std::string& args :
       {"tenants create " + tenant,
        "import catalog --tenant " + tenant + " " + dir + "/catalog.jsonl",
        "import events --tenant " + tenant + " " + dir + "/events.jsonl"}) {
    std::string out;
    if (RunRecsys(database_url, args, &out, kUserKeySecret) != 0) {
      ADD_FAILURE() << args << ": " << out;
      return false;
    }
  }
  return true;
}

}  // namespace recsys::testing
