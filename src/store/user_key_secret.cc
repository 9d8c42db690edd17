#include "store/user_key_secret.h"

namespace recsys::store {

Result<std::string> LoadOrCreateUserKeySecret(PgConnection& conn) {
  // Two statements: under READ COMMITTED the SELECT's snapshot is taken after the INSERT, so it
  // sees a row another instance committed while the INSERT waited on its conflict.
  auto created = conn.Query(
      "INSERT INTO instance_secrets (name, value) "
      "VALUES ('user_key', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')) "
      "ON CONFLICT (name) DO NOTHING");
  if (!created.ok()) return created.status();
  auto stored = conn.Query("SELECT value FROM instance_secrets WHERE name = 'user_key'");
  if (!stored.ok()) return stored.status();
  if (stored.value().rows() != 1) return Status::Internal("user-key secret: no stored row");
  return std::string(stored.value().Get(0, 0));
}

}  // namespace recsys::store
