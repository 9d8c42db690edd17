#include "service/state_refresher.h"

#include <algorithm>

#include "obs/log.h"

namespace recsys::service {

StateRefresher::StateRefresher(StateHolder& holder, LoadFn load, MarkerFn marker,
                               std::chrono::milliseconds period)
    : holder_(holder), load_(std::move(load)), marker_(std::move(marker)), period_(period) {}

Status StateRefresher::Start() {
  Status first = RefreshOnce(/*force_signals=*/true);
  // Tenants served from a warm start read their signals from the database next, at once.
  bool warm;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [external_id, tenant] : holder_.Get()->tenants) {
      if (tenant->warm_started) tenants_requested_.push_back(external_id);
    }
    warm = !tenants_requested_.empty();
  }
  thread_.Start(warm ? std::chrono::milliseconds(0) : period_, [this](bool) {
    (void)RefreshOnce(/*force_signals=*/signals_requested_.exchange(false));
    return period_;
  });
  return first;
}

void StateRefresher::RequestReload(bool signals) {
  if (signals) signals_requested_ = true;
  thread_.Wake();
}

void StateRefresher::RequestSignalReload(const std::string& tenant) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (std::find(tenants_requested_.begin(), tenants_requested_.end(), tenant) ==
        tenants_requested_.end()) {
      tenants_requested_.push_back(tenant);
    }
  }
  thread_.Wake();
}

Status StateRefresher::LoadAndPublish(const SignalReload& reload) {
  auto state = load_(holder_.Get().get(), reload);
  if (!state.ok()) {
    ++loads_failed_;
    obs::Log(obs::Level::kWarn, "state refresh failed; serving the previous state")
        .Str("error", state.status().message());
    return state.status();
  }
  ++loads_ok_;
  holder_.Publish(std::move(state).value());
  return Status::Ok();
}

Status StateRefresher::RefreshOnce(bool force_signals) {
  std::shared_ptr<const ServingState> previous = holder_.Get();
  auto marker = marker_();
  if (!marker.ok()) {
    ++loads_failed_;
    obs::Log(obs::Level::kWarn, "state refresh failed; serving the previous state")
        .Str("error", marker.status().message());
    return marker.status();
  }
  SignalReload reload;
  reload.all = force_signals || !previous->signals_loaded || marker.value() != last_marker_;
  {
    std::lock_guard<std::mutex> lock(mu_);
    reload.tenants.swap(tenants_requested_);
  }
  // Control state (and availability) first: it is a few rows, snapshots may take seconds.
  Status status = Status::Ok();
  if (!reload.empty() && previous->signals_loaded) status = LoadAndPublish({});
  if (status.ok()) status = LoadAndPublish(reload);
  if (!status.ok()) {
    // Try the tenants again next time rather than forget them.
    std::lock_guard<std::mutex> lock(mu_);
    for (std::string& t : reload.tenants) tenants_requested_.push_back(std::move(t));
    return status;
  }
  if (reload.all) last_marker_ = marker.value();
  return Status::Ok();
}

}  // namespace recsys::service
