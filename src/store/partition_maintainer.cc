#include "store/partition_maintainer.h"

#include "obs/log.h"
#include "store/partitions.h"

namespace recsys::store {

PartitionMaintainer::PartitionMaintainer(std::string database_url, int months_ahead,
                                         std::chrono::seconds period, std::chrono::seconds retry)
    : url_(std::move(database_url)), months_ahead_(months_ahead), period_(period), retry_(retry) {}

PartitionMaintainer::~PartitionMaintainer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PartitionMaintainer::Start() {
  thread_ = std::thread([this] { Loop(); });
}

bool PartitionMaintainer::RunOnce() {
  auto conn = PgConnection::Connect(url_);
  Status status = conn.status();
  if (conn.ok()) {
    auto created = EnsurePartitions(conn.value(), months_ahead_);
    status = created.status();
    if (created.ok()) {
      for (const std::string& name : created.value()) {
        obs::Log(obs::Level::kInfo, "partition created").Str("partition", name);
      }
      return true;
    }
  }
  obs::Log(obs::Level::kWarn, "partition maintenance failed; will retry")
      .Str("error", status.ToString())
      .Int("retry_in_s", retry_.count());
  return false;
}

void PartitionMaintainer::Loop() {
  std::chrono::seconds wait = period_;
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, wait, [this] { return stopping_; })) {
    lock.unlock();
    wait = RunOnce() ? period_ : retry_;
    lock.lock();
  }
}

}  // namespace recsys::store
