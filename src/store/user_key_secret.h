// The user-key secret kept in the database (table instance_secrets, migration 0011): the HMAC key
// that turns user ids into user_key, the same for every instance and every restart unless
// RECSYS_USER_KEY_SECRET overrides it (cli decides; see README, "User-key secret").
#pragma once

#include <string>

#include "core/status.h"
#include "store/pg.h"

namespace recsys::store {

// The stored secret; the first call on a database generates it (64 hex digits from the server's
// strong random source) and stores it. Concurrent first calls from several instances all return
// the one that was stored. Errors: kUnavailable (connection lost), kInternal (any other database
// error, e.g. the schema is behind migration 0011). Not thread-safe: uses the caller's
// connection.
Result<std::string> LoadOrCreateUserKeySecret(PgConnection& conn);

}  // namespace recsys::store
