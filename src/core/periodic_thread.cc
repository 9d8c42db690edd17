#include "core/periodic_thread.h"

namespace recsys {

void PeriodicThread::Start(std::chrono::milliseconds first_wait, Task task) {
  thread_ = std::thread([this, wait = first_wait, task = std::move(task)]() mutable {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      cv_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
      if (stopping_) break;
      const bool woken = woken_;
      woken_ = false;
      lock.unlock();
      wait = task(woken);
      lock.lock();
    }
  });
}

void PeriodicThread::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void PeriodicThread::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace recsys
