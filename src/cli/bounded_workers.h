// A few worker threads that run submitted tasks from a bounded queue, for the importers: the
// reading thread parses the next batch while earlier ones are written on their own connections.
// Submit() blocks while the queue is full (so memory stays bounded) and returns the first error
// any task returned; after an error, tasks still queued are dropped. Finish() waits for all.
// Submit and Finish are called from one thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/status.h"

namespace recsys::cli {

class BoundedWorkers {
 public:
  using Task = std::function<Status()>;

  BoundedWorkers(int workers, size_t queue_capacity);
  ~BoundedWorkers();
  BoundedWorkers(const BoundedWorkers&) = delete;
  BoundedWorkers& operator=(const BoundedWorkers&) = delete;

  Status Submit(Task task);
  // Waits until every submitted task ran (or was dropped after an error); returns the first error.
  Status Finish();

 private:
  void Work();

  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Task> queue_;
  size_t capacity_;
  int running_ = 0;
  bool stopping_ = false;
  Status first_error_;
  std::vector<std::thread> threads_;
};

}  // namespace recsys::cli
