#include "service/readiness.h"

#include "obs/log.h"

namespace recsys::service {

ReadinessMonitor::ReadinessMonitor(std::vector<Probe> probes, std::chrono::milliseconds interval)
    : probes_(std::move(probes)), interval_(interval) {
  verdict_.reason = "starting";
  verdict_.failed_probe = "startup";
}

ReadinessMonitor::~ReadinessMonitor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReadinessMonitor::Start() {
  RunProbes();
  thread_ = std::thread([this] { Loop(); });
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

void ReadinessMonitor::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    RunProbes();
    lock.lock();
  }
}

}  // namespace recsys::service
