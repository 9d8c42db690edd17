#include "cli/bounded_workers.h"

namespace recsys::cli {

BoundedWorkers::BoundedWorkers(int workers, size_t queue_capacity) : capacity_(queue_capacity) {
  for (int w = 0; w < workers; ++w) threads_.emplace_back([this] { Work(); });
}

BoundedWorkers::~BoundedWorkers() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& t : threads_) t.join();
}

Status BoundedWorkers::Submit(Task task) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return queue_.size() < capacity_ || !first_error_.ok(); });
  if (!first_error_.ok()) return first_error_;
  queue_.push_back(std::move(task));
  changed_.notify_all();
  return Status::Ok();
}

Status BoundedWorkers::Finish() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return (queue_.empty() && running_ == 0); });
  return first_error_;
}

void BoundedWorkers::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping
    Task task = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    changed_.notify_all();
    lock.unlock();
    Status status = task();
    lock.lock();
    --running_;
    if (!status.ok() && first_error_.ok()) {
      first_error_ = status;
      queue_.clear();  // the batches after a failure are not written; a rerun resumes
    }
    changed_.notify_all();
  }
}

}  // namespace recsys::cli
