// The schema migrations built into this binary, in order.
//
// Each migration is a pair of plain SQL files, migrations/NNNN_name.up.sql and .down.sql, embedded
// at build time (cmake/embed_migrations.cmake). The checksum covers the up and down text, so an
// edit to either part of an applied migration is detected.
#pragma once

#include <string>
#include <vector>

namespace recsys::store {

struct Migration {
  std::string name;  // "0001_registry_and_versions"
  std::string up;
  std::string down;
  std::string checksum;  // hex SHA-256 of up + "\n--down--\n" + down
};

// The migrations compiled into the binary, sorted by name. Thread-safe; built once.
const std::vector<Migration>& EmbeddedMigrations();

// Builds a Migration, computing its checksum. Also used by tests to make edited migrations.
Migration MakeMigration(std::string name, std::string up, std::string down);

}  // namespace recsys::store
