#include "service/ingest_service.h"

#include "crypto/digest.h"

namespace recsys::service {

IngestService::IngestService(const StateHolder& holder, EventStore& store,
                             std::string user_key_secret)
    : holder_(holder), store_(store), user_key_secret_(std::move(user_key_secret)) {}

std::string IngestService::UserKeyOf(const Event& event) const {
  if (!event.user_id.empty()) return crypto::HmacSha256(user_key_secret_, event.user_id);
  if (!event.anonymous_id.empty()) return crypto::HmacSha256(user_key_secret_, event.anonymous_id);
  return {};
}

Result<AppendCounts> IngestService::Append(const std::string& tenant_id,
                                           const std::vector<Event>& events) const {
  if (events.empty()) return AppendCounts{};
  std::vector<StoredEvent> stored;
  stored.reserve(events.size());
  for (const Event& event : events) stored.push_back({&event, UserKeyOf(event)});
  auto counts = store_.Append(tenant_id, stored);
  if (counts.ok()) {
    accepted_ += static_cast<uint64_t>(counts.value().accepted);
    duplicates_ += static_cast<uint64_t>(counts.value().duplicates);
  }
  return counts;
}

Result<IngestResult> IngestService::Handle(std::string_view tenant_external_id,
                                           std::string_view body) const {
  const auto state = holder_.Get();
  const TenantState* tenant = state->FindActive(tenant_external_id);
  if (tenant == nullptr) return Status::PermissionDenied(kTenantNotServable);
  auto batch = ParseEventBatch(body, NowUs());
  if (!batch.ok()) return batch.status();
  IngestResult result;
  result.rejected = std::move(batch.value().rejected);
  result.duplicates = batch.value().duplicates;
  rejected_ += result.rejected.size();
  duplicates_ += static_cast<uint64_t>(result.duplicates);
  auto counts = Append(tenant->id, batch.value().events);
  if (!counts.ok()) return counts.status();
  result.accepted = counts.value().accepted;
  result.duplicates += counts.value().duplicates;
  return result;
}

}  // namespace recsys::service
