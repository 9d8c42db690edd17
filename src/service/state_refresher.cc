#include "service/state_refresher.h"

#include "obs/log.h"

namespace recsys::service {

StateRefresher::StateRefresher(StateHolder& holder, LoadFn load, MarkerFn marker,
                               std::chrono::milliseconds period)
    : holder_(holder), load_(std::move(load)), marker_(std::move(marker)), period_(period) {}

Status StateRefresher::Start() {
  Status first = RefreshOnce(/*force_signals=*/true);
  thread_.Start(period_, [this](bool) {
    (void)RefreshOnce(/*force_signals=*/signals_requested_.exchange(false));
    return period_;
  });
  return first;
}

void StateRefresher::RequestReload(bool signals) {
  if (signals) signals_requested_ = true;
  thread_.Wake();
}

Status StateRefresher::RefreshOnce(bool force_signals) {
  std::shared_ptr<const ServingState> previous = holder_.Get();
  auto marker = marker_();
  if (!marker.ok()) {
    obs::Log(obs::Level::kWarn, "state refresh failed; serving the previous state")
        .Str("error", marker.status().message());
    return marker.status();
  }
  const bool signals = force_signals || !previous->signals_loaded || marker.value() != last_marker_;
  auto state = load_(previous.get(), signals);
  if (!state.ok()) {
    obs::Log(obs::Level::kWarn, "state refresh failed; serving the previous state")
        .Str("error", state.status().message());
    return state.status();
  }
  if (signals) last_marker_ = marker.value();
  holder_.Publish(std::move(state).value());
  return Status::Ok();
}

}  // namespace recsys::service
