// The live signal layers of this instance (core/live_signals.h): one per (tenant, namespace)
// that has events on a day its base does not hold. They outlive state reloads; Sync() gives each
// the base its tenant's current snapshot of the namespace.
//
// Writers (Apply, Sync, TakeRefolds) run on one thread, the history tailer's; Find() and the
// counters are thread-safe and may run on any thread (a request takes the layer, then reads it
// under the layer's own lock).
//
// Bounded: while the layers hold more than `max_bytes` in all, events are refused (counted in
// refused(), logged by the caller) and what was folded keeps serving; a closed day's rows come
// from the builder, so a refusal delays those events' effect until their day is built.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/live_signals.h"
#include "core/string_hash.h"
#include "core/time.h"
#include "service/serving_state.h"

namespace recsys::service {

class LiveRegistry {
 public:
  explicit LiveRegistry(size_t max_bytes) : max_bytes_(max_bytes) {}
  LiveRegistry(const LiveRegistry&) = delete;
  LiveRegistry& operator=(const LiveRegistry&) = delete;

  // The layer of `tenant_id`'s namespace `ns`, or null when it has none. Thread-safe.
  std::shared_ptr<LiveSignals> Find(std::string_view tenant_id, std::string_view ns) const;

  // Folds events of `tenant`'s namespace `ns`, creating its layer on the first (its base: the
  // tenant's snapshot of `ns`, else an empty one for the day of `now`). Returns how many were
  // folded.
  size_t Apply(const TenantState& tenant, std::string_view ns, std::span<const LiveEvent> events,
               TimestampUs now);

  // Brings every layer to `state`: a layer's base becomes its tenant's snapshot of its namespace
  // (with its unavailable items); the layers of a tenant that is gone are dropped; so are those
  // whose tenant's event weights or half-life changed, and that tenant is then returned by the
  // next TakeRefolds() so that the caller folds its days again.
  void Sync(const ServingState& state);
  // Tenants (tenants.id) whose layers Sync() dropped for new parameters, since the last call.
  std::vector<std::string> TakeRefolds();

  // Thread-safe.
  size_t MemoryBytes() const { return bytes_.load(std::memory_order_relaxed); }
  size_t layers() const;
  uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }
  uint64_t folded() const { return folded_.load(std::memory_order_relaxed); }

 private:
  using Namespaces =
      std::unordered_map<std::string, std::shared_ptr<LiveSignals>, StringHash, std::equal_to<>>;
  static LiveParams ParamsOf(const TenantConfig& config);
  // Takes the layers' bytes off the total (they are being dropped).
  void Forget(const Namespaces& layers);

  size_t max_bytes_;
  mutable std::shared_mutex mu_;  // guards the maps, not the layers
  std::unordered_map<std::string, Namespaces, StringHash, std::equal_to<>> tenants_;
  std::vector<std::string> refolds_;  // the writer's own
  std::atomic<size_t> bytes_{0};      // Σ the layers' MemoryBytes(), kept by the writer
  std::atomic<uint64_t> refused_{0}, folded_{0};
};

}  // namespace recsys::service
