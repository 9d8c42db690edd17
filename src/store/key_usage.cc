#include "store/key_usage.h"

#include "obs/log.h"
#include "store/connection_defaults.h"
#include "store/pg.h"

namespace recsys::store {

KeyUsageRecorder::KeyUsageRecorder(std::string database_url, std::chrono::milliseconds period)
    : url_(std::move(database_url)), period_(period) {}

KeyUsageRecorder::~KeyUsageRecorder() {
  thread_.Stop();
  Flush();
}

void KeyUsageRecorder::Start() {
  thread_.Start(period_, [this](bool) {
    Flush();
    return period_;
  });
}

void KeyUsageRecorder::Record(const std::string& key_id) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_.insert(key_id);
}

bool KeyUsageRecorder::Flush() {
  std::unordered_set<std::string> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(pending_);
  }
  if (batch.empty()) return true;
  std::string ids = "{";
  for (const std::string& id : batch) ids += (ids.size() > 1 ? "," : "") + id;
  ids += "}";
  auto conn = PgConnection::Connect(url_, kBackgroundConnectTimeoutS);
  Status s = conn.status();
  if (conn.ok()) {
    s = conn.value()
            .Query("UPDATE tenant_api_keys SET last_used_at = now() WHERE id = ANY($1::uuid[])",
                   {ids})
            .status();
  }
  if (!s.ok()) {
    obs::Log(obs::Level::kWarn, "api key last_used_at update failed; will retry")
        .Str("error", s.message());
    std::lock_guard<std::mutex> lock(mu_);
    pending_.insert(batch.begin(), batch.end());
    return false;
  }
  return true;
}

}  // namespace recsys::store
