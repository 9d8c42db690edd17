#include "store/migration.h"

#include <algorithm>
#include <utility>

#include "crypto/digest.h"

namespace recsys::store {

// Defined in the file that cmake/embed_migrations.cmake generates.
struct EmbeddedSqlFile {
  const char* name;
  const char* up;
  const char* down;
};
extern const EmbeddedSqlFile kEmbeddedSqlFiles[];
extern const int kEmbeddedSqlFileCount;

Migration MakeMigration(std::string name, std::string up, std::string down) {
  std::string checksum = crypto::Sha256Hex(up + "\n--down--\n" + down);
  return Migration{std::move(name), std::move(up), std::move(down), std::move(checksum)};
}

const std::vector<Migration>& EmbeddedMigrations() {
  static const std::vector<Migration> migrations = [] {
    std::vector<Migration> all;
    for (int i = 0; i < kEmbeddedSqlFileCount; ++i) {
      const EmbeddedSqlFile& f = kEmbeddedSqlFiles[i];
      all.push_back(MakeMigration(f.name, f.up, f.down));
    }
    std::sort(all.begin(), all.end(),
              [](const Migration& a, const Migration& b) { return a.name < b.name; });
    return all;
  }();
  return migrations;
}

}  // namespace recsys::store
