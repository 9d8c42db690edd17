#include "service/readiness.h"

#include "obs/log.h"

namespace recsys::service {

ReadinessMonitor::ReadinessMonitor(std::vector<Probe> probes, std::chrono::milliseconds interval)
    : probes_(std::move(probes)), interval_(interval) {
  verdict_.reason = "starting";
  verdict_.failed_probe = "startup";
}

void ReadinessMonitor::Start() {
  RunProbes();
  thread_.Start(interval_, [this](bool) {
    RunProbes();
    return interval_;
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
