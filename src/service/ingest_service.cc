#include "service/ingest_service.h"

#include <algorithm>

#include "core/str_format.h"
#include "crypto/digest.h"

namespace recsys::service {

IngestService::IngestService(const StateHolder& holder, EventStore& store,
                             std::string user_key_secret, IngestOptions options)
    : holder_(holder),
      store_(store),
      user_key_secret_(std::move(user_key_secret)),
      options_(options) {}

Status IngestService::TakeEvents(const TenantState& tenant, size_t events) const {
  const double rate =
      tenant.config.events_rate > 0 ? tenant.config.events_rate : options_.default_events_rate;
  if (rate <= 0 || events == 0) return Status::Ok();
  const double burst = std::max<double>(kMaxEventsPerBatch, tenant.config.events_burst > 0
                                                                ? tenant.config.events_burst
                                                                : options_.default_events_burst);
  const int retry = limiter_.Take(tenant.external_id, rate, burst, NowUs(),
                                  static_cast<double>(std::min(events, kMaxEventsPerBatch)));
  if (retry == 0) return Status::Ok();
  rate_limited_ += events;
  return Status::RateLimited(StrFormat("this tenant's event rate limit is exceeded (%g events/s, "
                                       "bursts of %g); retry the batch later",
                                       rate, burst),
                             retry);
}

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
  const size_t submitted = batch.value().events.size() + batch.value().rejected.size() +
                           static_cast<size_t>(batch.value().duplicates);
  RETURN_IF_ERROR(TakeEvents(*tenant, submitted));
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
