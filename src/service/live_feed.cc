#include "service/live_feed.h"

#include <algorithm>
#include <numeric>

namespace recsys::service {
namespace {

constexpr size_t kKeptCapacity = 4096;  // buffered events whose room outlives a flush

}  // namespace

void AppendSessionKey(std::string_view session_id, bool has_session, std::string_view user_key_hex,
                      bool has_user, std::string* out) {
  if (has_session) {
    out->append("s:").append(session_id);
  } else if (has_user) {
    out->append("u:").append(user_key_hex);
  }
}

void LiveFeed::Add(std::string_view tenant_id, std::string_view ns, std::string_view item_id,
                   std::string_view session_key, EventType type, TimestampUs at, int64_t id) {
  pending_.push_back({std::string(tenant_id), std::string(ns), std::string(item_id),
                      std::string(session_key), type, at, id});
}

size_t LiveFeed::Flush(const ServingState& state, TimestampUs now) {
  const ServingState::TenantsById by_id = state.ActiveTenantsById();
  std::vector<uint32_t> order(pending_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) {
    const Pending& x = pending_[a];
    const Pending& y = pending_[b];
    return x.tenant != y.tenant ? x.tenant < y.tenant : x.ns < y.ns;
  });
  size_t folded = 0;
  std::vector<LiveEvent> events;
  for (size_t start = 0; start < order.size();) {
    const Pending& first = pending_[order[start]];
    size_t end = start;
    events.clear();
    for (; end < order.size(); ++end) {
      const Pending& p = pending_[order[end]];
      if (p.tenant != first.tenant || p.ns != first.ns) break;
      events.push_back({p.item, p.session, p.type, p.at, p.id});
    }
    if (auto tenant = by_id.find(first.tenant); tenant != by_id.end()) {
      folded += registry_.Apply(*tenant->second, first.ns, events, now);
    }
    start = end;
  }
  pending_.clear();
  // A warm-up or a burst buffered up to a flush's worth: give that memory back, not keep it.
  if (pending_.capacity() > kKeptCapacity) pending_.shrink_to_fit();
  return folded;
}

}  // namespace recsys::service
