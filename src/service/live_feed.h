// Carries tailed interaction rows to the live signal layers (service/live_registry.h): rows are
// buffered as they stream in, then applied in one call per (tenant, namespace), so a layer's lock
// is taken once per poll and not once per event.
//
// Not thread-safe: one feed per tailer thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/time.h"
#include "service/live_registry.h"
#include "service/serving_state.h"

namespace recsys::service {

// The builder's session key of an event (store/signal_builder.cc): "s:" + session id, else
// "u:" + the user key in hex, else empty. Appends it to `out`.
void AppendSessionKey(std::string_view session_id, bool has_session, std::string_view user_key_hex,
                      bool has_user, std::string* out);

class LiveFeed {
 public:
  // REQUIRES: `registry` outlives the feed.
  explicit LiveFeed(LiveRegistry& registry) : registry_(registry) {}

  // Buffers one event (its fields are copied).
  void Add(std::string_view tenant_id, std::string_view ns, std::string_view item_id,
           std::string_view session_key, EventType type, TimestampUs at, int64_t id);

  // Applies the buffered events to the layers of `state`'s tenants (events of a tenant that is
  // not there, or not active, are dropped: its layers are gone too), in arrival order within
  // each namespace, then empties the buffer. Returns how many were folded.
  size_t Flush(const ServingState& state, TimestampUs now);

  size_t buffered() const { return pending_.size(); }

 private:
  struct Pending {
    std::string tenant, ns, item, session;
    EventType type;
    TimestampUs at;
    int64_t id;
  };
  LiveRegistry& registry_;
  std::vector<Pending> pending_;
};

}  // namespace recsys::service
