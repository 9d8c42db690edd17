#include "store/partition_maintainer.h"

#include "obs/log.h"
#include "store/partitions.h"

namespace recsys::store {

PartitionMaintainer::PartitionMaintainer(std::string database_url, int months_ahead,
                                         std::chrono::seconds period, std::chrono::seconds retry)
    : url_(std::move(database_url)), months_ahead_(months_ahead), period_(period), retry_(retry) {}

void PartitionMaintainer::Start() {
  thread_.Start(period_, [this](bool) -> std::chrono::milliseconds {
    if (RunOnce()) return period_;
    return retry_;
  });
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

}  // namespace recsys::store
