// service::EventStore on PostgreSQL: one transaction per batch that claims the batch's event_ids
// in interaction_event_keys (INSERT ... ON CONFLICT DO NOTHING RETURNING: the ids it returns are
// new; a concurrent retry waits on the key index and then sees them as duplicates), COPYs the new
// events into interaction_events, and appends the batch's days to signal_dirty_days for the
// signal builder.
//
// Thread-safe: each call takes an idle connection from a small pool (or opens one) and gives it
// back afterwards; a connection that failed is dropped.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "service/event_store.h"
#include "store/pg.h"

namespace recsys::store {

class PgEventStore : public service::EventStore {
 public:
  explicit PgEventStore(std::string database_url) : url_(std::move(database_url)) {}

  Result<service::AppendCounts> Append(const std::string& tenant_id,
                                       std::span<const service::StoredEvent> events) override;

  // The COPY text line (with '\n') of one event row. Exposed for tests.
  static void AppendCopyLine(std::string& out, const std::string& tenant_id,
                             const service::StoredEvent& event);

 private:
  Result<PgConnection> Take();
  void Give(PgConnection conn);
  Result<service::AppendCounts> AppendIn(PgConnection& conn, const std::string& tenant_id,
                                         std::span<const service::StoredEvent> events);

  std::string url_;
  std::mutex mu_;
  std::vector<PgConnection> idle_;  // guarded by mu_
};

// A PostgreSQL array literal ('{"a","b"}') of `values`, quoted and escaped, for a text[] or
// date[] parameter.
std::string ArrayLiteral(const std::vector<std::string>& values);

}  // namespace recsys::store
