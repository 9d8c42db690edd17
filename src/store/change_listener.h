// LISTENs on the `recsys_changes` channel on a dedicated connection and reports each NOTIFY
// payload to a callback, so that every instance sees an admin change within a second.
//
// Payloads are JSON: {"tenant": "<external id>", "scope": "control" | "signals"}. After the
// connection is lost it reconnects (backing off up to 5 s) and then reports {"scope": "all"}:
// a change made while it was away must not be missed. Owns its thread; the destructor stops it.
// The callback runs on that thread.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace recsys::store {

inline constexpr const char* kChangeChannel = "recsys_changes";

class ChangeListener {
 public:
  using Callback = std::function<void(const std::string& payload)>;

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
