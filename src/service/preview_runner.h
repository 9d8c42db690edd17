// Runs impact previews off the serving threads: a few worker threads take previews from a short
// queue, one preview per tenant at a time, each within a deadline counted from its submission.
// Submit() never blocks and never runs a preview on the caller's thread: the HTTP route hands
// over the work and its I/O thread goes back to serving; `done` answers later, on a worker.
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "service/impact_preview.h"

namespace recsys::service {

struct PreviewRunnerOptions {
  int workers = 1;         // previews are CPU-heavy; serving keeps the other cores
  size_t max_waiting = 4;  // queued, not yet running
  std::chrono::milliseconds deadline{20000};  // from submission to the answer
};

class PreviewRunner {
 public:
  using Done = std::function<void(Result<ImpactReport>)>;

  // REQUIRES: `previewer` outlives the runner.
  PreviewRunner(const ImpactPreviewer& previewer, PreviewRunnerOptions options);
  ~PreviewRunner();  // Stop()
  PreviewRunner(const PreviewRunner&) = delete;
  PreviewRunner& operator=(const PreviewRunner&) = delete;

  // Queues a preview of `tenant`; `done` is called exactly once, on a worker thread, with the
  // report or the preview's error; kUnavailable with a retry delay when the deadline passed
  // before a worker was free. Refused at once (Submit returns the error and `done` is never
  // called): kResourceExhausted with a retry delay when a preview of the same tenant is queued or
  // running, or max_waiting previews wait; kUnavailable after Stop().
  Status Submit(const TenantRef& tenant, PreviewRequest request, Done done);

  // Stops taking previews, cancels the running ones and answers them and the queued ones with
  // kUnavailable, then joins the workers. Idempotent.
  void Stop();

 private:
  struct Job {
    TenantRef tenant;
    PreviewRequest request;
    Done done;
    std::chrono::steady_clock::time_point deadline;
  };
  void Work();
  Result<ImpactReport> Run(const Job& job);  // the job's answer

  const ImpactPreviewer& previewer_;
  const PreviewRunnerOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> waiting_;        // guarded by mu_
  std::set<std::string> tenants_;  // queued or running, by tenant id; guarded by mu_
  bool stopping_ = false;          // guarded by mu_
  std::atomic<bool> cancelled_{false};
  std::vector<std::thread> workers_;
};

}  // namespace recsys::service
