#include "service/readiness.h"

#include <algorithm>

#include "obs/log.h"

namespace recsys::service {
namespace {

// Until ready, probe often: an instance should turn ready as soon as its last part does, not up
// to an interval later (that was up to a second of every start and restart).
constexpr std::chrono::milliseconds kNotReadyInterval(50);

}  // namespace

ReadinessMonitor::ReadinessMonitor(std::vector<Probe> probes, std::chrono::milliseconds interval)
    : probes_(std::move(probes)), interval_(interval) {
  verdict_.reason = "starting";
  verdict_.failed_probe = "startup";
}

void ReadinessMonitor::Start() {
  RunProbes();
  const auto next = [this] {
    return Current().ready ? interval_ : std::min(interval_, kNotReadyInterval);
  };
  thread_.Start(next(), [this, next](bool) {
    RunProbes();
    return next();
  });
}

ReadinessMonitor::Verdict ReadinessMonitor::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return verdict_;
}

void ReadinessMonitor::RunProbes() {
  Verdict next;
  next.ready = true;
  for (const Probe& probe : probes_) {
    Status s = probe.check();
    if (!s.ok()) {
      next = Verdict{false, probe.name, s.message()};
      break;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (next.ready != verdict_.ready || next.reason != verdict_.reason) {
    auto line = obs::Log(next.ready ? obs::Level::kInfo : obs::Level::kWarn,
                         next.ready ? "instance ready" : "instance not ready");
    if (!next.ready) line.Str("probe", next.failed_probe).Str("reason", next.reason);
  }
  verdict_ = std::move(next);
}

}  // namespace recsys::service
