#include "service/state_refresher.h"

#include "obs/log.h"

namespace recsys::service {

StateRefresher::StateRefresher(StateHolder& holder, LoadFn load, MarkerFn marker,
                               std::chrono::milliseconds period)
    : holder_(holder), load_(std::move(load)), marker_(std::move(marker)), period_(period) {}

StateRefresher::~StateRefresher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status StateRefresher::Start() {
  Status first = RefreshOnce(/*force_signals=*/true);
  thread_ = std::thread([this] { Loop(); });
  return first;
}

void StateRefresher::RequestReload() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    reload_requested_ = true;
  }
  wake_.notify_all();
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

void StateRefresher::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, period_, [this] { return stopping_ || reload_requested_; });
    if (stopping_) break;
    const bool forced = reload_requested_;
    reload_requested_ = false;
    lock.unlock();
    (void)RefreshOnce(forced);
    lock.lock();
  }
}

}  // namespace recsys::service
