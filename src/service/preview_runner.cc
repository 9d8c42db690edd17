#include "service/preview_runner.h"

#include <algorithm>
#include <exception>

namespace recsys::service {
namespace {

// What a refused or late preview tells the caller to wait before trying again.
constexpr int kRetryAfterS = 5;

}  // namespace

PreviewRunner::PreviewRunner(const ImpactPreviewer& previewer, PreviewRunnerOptions options)
    : previewer_(previewer), options_(options) {
  for (int i = 0; i < std::max(1, options_.workers); ++i) workers_.emplace_back([this] { Work(); });
}

PreviewRunner::~PreviewRunner() { Stop(); }

Status PreviewRunner::Submit(const TenantRef& tenant, PreviewRequest request, Done done) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return Status::Unavailable("the server is shutting down");
  if (tenants_.count(tenant.id) > 0) {
    return Status::RateLimited("a preview of this tenant is already running; one at a time",
                               kRetryAfterS);
  }
  if (waiting_.size() >= options_.max_waiting) {
    return Status::RateLimited("too many previews are waiting; retry shortly", kRetryAfterS);
  }
  tenants_.insert(tenant.id);
  waiting_.push_back({tenant, std::move(request), std::move(done),
                      std::chrono::steady_clock::now() + options_.deadline});
  wake_.notify_one();
  return Status::Ok();
}

Result<ImpactReport> PreviewRunner::Run(const Job& job) {
  if (cancelled_.load()) return Status::Unavailable("the server is shutting down");
  if (std::chrono::steady_clock::now() >= job.deadline) {
    return Status::Unavailable(
               "previews are busy; the deadline passed before this one could "
               "start")
        .WithRetryAfter(kRetryAfterS);
  }
  Result<ImpactReport> report = Status::Unavailable("the server is shutting down");
  try {
    report = previewer_.Preview(job.tenant, job.request, {job.deadline, &cancelled_});
  } catch (const std::exception& e) {  // exceptions never cross the thread
    report = Status::Internal(std::string("preview failed: ") + e.what());
  }
  if (cancelled_.load()) report = Status::Unavailable("the server is shutting down");
  return report;
}

void PreviewRunner::Work() {
  while (true) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
      if (waiting_.empty()) return;  // stopping, nothing left
      job = std::move(waiting_.front());
      waiting_.pop_front();
    }
    Result<ImpactReport> report = Run(job);
    {
      // Before the answer: a caller that has it may preview the tenant again at once.
      std::lock_guard<std::mutex> lock(mu_);
      tenants_.erase(job.tenant.id);
    }
    job.done(std::move(report));
  }
}

void PreviewRunner::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  cancelled_ = true;  // running previews stop at their next request; queued ones answer at once
  wake_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

}  // namespace recsys::service
