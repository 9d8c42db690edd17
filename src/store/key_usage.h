// Records that API keys were used and writes tenant_api_keys.last_used_at in one UPDATE per
// period, rather than a write per request. Record() is thread-safe and cheap (a set insert).
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_set>

#include "core/periodic_thread.h"

namespace recsys::store {

class KeyUsageRecorder {
 public:
  KeyUsageRecorder(std::string database_url, std::chrono::milliseconds period);
  ~KeyUsageRecorder();  // flushes what is pending

  void Start();
  void Record(const std::string& key_id);
  // Writes pending uses now; returns false (logged) when the database refused.
  bool Flush();

 private:
  std::string url_;
  std::chrono::milliseconds period_;
  std::mutex mu_;
  std::unordered_set<std::string> pending_;
  PeriodicThread thread_;
};

}  // namespace recsys::store
