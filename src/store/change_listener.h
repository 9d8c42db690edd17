// LISTENs on the `recsys_changes` channel on a dedicated connection and reports each NOTIFY
// payload to a callback, so that every instance sees an admin change within a second.
//
// Payloads are store/change_notice.h's. After the connection is lost it reconnects (backing off
// up to 5 s) and then reports {"scope": "all"}: a change made while it was away must not be
// missed. With each payload it reports the primary's WAL insert position read after the
// notifies arrived: PostgreSQL delivers a NOTIFY only after its transaction committed, so that
// position is past the commit, where the payload's own `lsn` (read before COMMIT) may not be.
// The connection must reach the primary directly (a pooler in transaction mode cannot LISTEN).
// Owns its thread; the destructor stops it. The callback runs on that thread.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "store/wal_position.h"

namespace recsys::store {

inline constexpr const char* kChangeChannel = "recsys_changes";

class ChangeListener {
 public:
  // `primary_after`: 0 when it could not be read.
  using Callback = std::function<void(const std::string& payload, WalPosition primary_after)>;

  ChangeListener(std::string database_url, Callback callback);
  ~ChangeListener();
  ChangeListener(const ChangeListener&) = delete;
  ChangeListener& operator=(const ChangeListener&) = delete;

  void Start();

 private:
  void Loop();

  std::string url_;
  Callback callback_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace recsys::store
