// A background thread that runs one task repeatedly, waiting between runs.
//
// The task returns how long to wait before its next run; Wake() ends the current wait early and
// the next run is told it was woken. Stop() (and the destructor) ends the wait, lets a running
// task finish and joins the thread. Start/Stop from one controlling thread; Wake is thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace recsys {

class PeriodicThread {
 public:
  // `woken`: the wait before this run was cut short by Wake(). Returns the next wait.
  using Task = std::function<std::chrono::milliseconds(bool woken)>;

  PeriodicThread() = default;
  ~PeriodicThread() { Stop(); }
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  // Runs `task` first after `first_wait`. REQUIRES: not started yet.
  void Start(std::chrono::milliseconds first_wait, Task task);
  void Wake();
  void Stop();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace recsys
