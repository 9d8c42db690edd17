// Where accepted events go (interaction_events). Implemented by store::PgEventStore; tests may
// implement it in memory. Append() must be thread-safe.
#pragma once

#include <span>
#include <string>

#include "core/event.h"
#include "core/status.h"

namespace recsys::service {

// An event ready to store: the raw user and anonymous ids are replaced by `user_key`.
struct StoredEvent {
  const Event* event;
  std::string user_key;  // raw HMAC bytes of user_id, else anonymous_id; empty when neither
};

struct AppendCounts {
  int accepted = 0;    // rows written
  int duplicates = 0;  // event_ids the tenant had already sent
};

class EventStore {
 public:
  virtual ~EventStore() = default;
  // Writes `events` for tenant `tenant_id` (uuid) in one transaction: an event whose event_id the
  // tenant already sent is skipped and counted as a duplicate (also under concurrent retries).
  // Durable (committed) when it returns OK; on error nothing was written.
  virtual Result<AppendCounts> Append(const std::string& tenant_id,
                                      std::span<const StoredEvent> events) = 0;
};

}  // namespace recsys::service
