#include "store/change_listener.h"

#include <sys/select.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "obs/log.h"
#include "store/change_notice.h"
#include "store/connection_defaults.h"
#include "store/pg.h"

namespace recsys::store {
namespace {

// The primary's WAL insert position; 0 when it cannot be read. Notifies that arrive while the
// query runs stay queued for the next PQnotifies.
WalPosition WalAfter(PgConnection& conn) {
  auto position = ReadWalInsertPosition(conn);
  return position.ok() ? position.value() : 0;
}

}  // namespace

ChangeListener::ChangeListener(std::string database_url, Callback callback)
    : url_(std::move(database_url)), callback_(std::move(callback)) {}

ChangeListener::~ChangeListener() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void ChangeListener::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void ChangeListener::Loop() {
  bool ever_connected = false;
  RetryBackoff backoff = kListenerRetry;
  while (!stopping_) {
    auto conn = PgConnection::Connect(url_, kProbeConnectTimeoutS);
    if (!conn.ok() || !conn.value().Exec(std::string("LISTEN ") + kChangeChannel).ok()) {
      std::this_thread::sleep_for(backoff.Next());
      continue;
    }
    backoff.Reset();
    if (ever_connected) {
      obs::Log(obs::Level::kInfo, "change listener reconnected; reloading everything");
      callback_(EncodeChangeNotice({"", ChangeScope::kAll}), WalAfter(conn.value()));
    }
    ever_connected = true;
    PGconn* raw = conn.value().raw();
    const int socket = PQsocket(raw);
    while (!stopping_) {
      fd_set fds;
      FD_ZERO(&fds);
      FD_SET(socket, &fds);
      timeval timeout{0, 200000};  // wake up to notice Stop()
      if (select(socket + 1, &fds, nullptr, nullptr, &timeout) < 0) break;
      if (PQconsumeInput(raw) == 0) break;  // connection lost
      std::vector<std::string> payloads;
      while (PGnotify* notify = PQnotifies(raw)) {
        payloads.emplace_back(notify->extra);
        PQfreemem(notify);
      }
      if (payloads.empty()) continue;
      const WalPosition after = WalAfter(conn.value());
      for (const std::string& payload : payloads) callback_(payload, after);
      if (PQstatus(raw) != CONNECTION_OK) break;
    }
    if (!stopping_) {
      obs::Log(obs::Level::kWarn, "change listener lost its connection; reconnecting");
    }
  }
}

}  // namespace recsys::store
