// The events use case (POST /v1/events, `import events`): validate, hash user ids, store.
//
// Handle() resolves the tenant from the published state (403 kPermissionDenied for an unknown or
// inactive one), parses the batch with core's ParseEventBatch, takes one token per event in it
// (valid or not) from the tenant's event bucket, and appends the valid events in one
// transaction. Append() is the half the importer shares: it is not rate-limited. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "service/event_store.h"
#include "service/rate_limiter.h"
#include "service/serving_state.h"

namespace recsys::service {

// The event rate limit per tenant, where its config (limits.events_rate, limits.events_burst)
// sets none. A rate of 0 leaves tenants without one unlimited.
struct IngestOptions {
  double default_events_rate = 0;      // events per second
  double default_events_burst = 1000;  // REQUIRES: >= kMaxEventsPerBatch
};

struct IngestResult {
  int accepted = 0;
  int duplicates = 0;  // inside the batch and already stored
  std::vector<Rejection> rejected;
};

class IngestService {
 public:
  // REQUIRES: `holder` and `store` outlive the service. `user_key_secret` is the same HMAC key the
  // serving path hashes user ids with, so history joins requests.
  IngestService(const StateHolder& holder, EventStore& store, std::string user_key_secret,
                IngestOptions options = {});

  // Errors: kPermissionDenied (tenant), kInvalidArgument (body), kResourceExhausted (over 1000
  // events; or the tenant's event rate exceeded: with retry_after_s(), nothing stored),
  // kUnavailable (database).
  Result<IngestResult> Handle(std::string_view tenant_external_id, std::string_view body) const;

  // Hashes and stores already validated events of tenant `tenant_id` (uuid).
  Result<AppendCounts> Append(const std::string& tenant_id, const std::vector<Event>& events) const;

  // The keyed hash an event's user is stored under (user_id, else anonymous_id; else empty).
  std::string UserKeyOf(const Event& event) const;

  // Totals since start, for /metrics.
  struct Counts {
    uint64_t accepted = 0, duplicates = 0, rejected = 0;
    uint64_t rate_limited = 0;  // events in batches refused by the rate limit
  };
  Counts counts() const {
    return {accepted_.load(), duplicates_.load(), rejected_.load(), rate_limited_.load()};
  }

 private:
  // kOk, or the tenant's rate limit refusing `events` more events.
  Status TakeEvents(const TenantState& tenant, size_t events) const;

  const StateHolder& holder_;
  EventStore& store_;
  std::string user_key_secret_;
  IngestOptions options_;
  mutable RateLimiter limiter_;
  mutable std::atomic<uint64_t> accepted_{0}, duplicates_{0}, rejected_{0}, rate_limited_{0};
};

}  // namespace recsys::service
