// The configuration of `recsys-service serve`, read from environment variables.
//
// Every value is validated up front; a bad one is an error naming the variable, so the process can
// stop before doing anything. Pure: the environment is passed in as a lookup function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "obs/log.h"

namespace recsys::cli {

// Where exposure rows wait (RECSYS_SPILL_DIR) unless configured: also read by `doctor` and
// `eval`, which look into the serving instance's folder.
inline constexpr const char* kDefaultSpillDir = ".recsys-spill";

struct ServeConfig {
  std::string database_url;  // DATABASE_URL (required): writes; may be a pooler
  // RECSYS_DATABASE_READ_URL: a hot standby for snapshot loads, history and shared-snapshot reads
  // (store/read_endpoint.h); empty: every read on DATABASE_URL
  std::string database_read_url;
  // RECSYS_DATABASE_DIRECT_URL: the primary without a pooler, for LISTEN and session advisory
  // locks (transaction pooling cannot keep them); empty: DATABASE_URL
  std::string database_direct_url;
  int database_read_wait_ms = 500;  // RECSYS_DATABASE_READ_WAIT_MS: wait for the standby's replay
  std::string http_host = "127.0.0.1";       // RECSYS_HTTP_ADDR host part
  uint16_t http_port = 8000;                 // RECSYS_HTTP_ADDR port part
  int http_threads = 2;                      // RECSYS_HTTP_THREADS, default: number of cores
  size_t max_body_bytes = 1 << 20;           // RECSYS_MAX_BODY_BYTES
  bool dev_auth_enabled = false;             // RECSYS_DEV_AUTH_ENABLED
  obs::Level log_level = obs::Level::kInfo;  // RECSYS_LOG_LEVEL
  int partitions_ahead = 3;                  // RECSYS_PARTITIONS_AHEAD (months)
  int readiness_interval_ms = 1000;          // RECSYS_READINESS_INTERVAL_MS
  int refresh_interval_ms = 60000;           // RECSYS_REFRESH_INTERVAL_MS (state and signals)
  // RECSYS_USER_KEY_SECRET (HMAC key for user_key); empty: the database's, which serve and import
  // read at start (store/user_key_secret.h)
  std::string user_key_secret;
  bool exposure_log_enabled = true;             // RECSYS_EXPOSURE_LOG_ENABLED
  std::string spill_dir = kDefaultSpillDir;     // RECSYS_SPILL_DIR
  bool warm_start_enabled = true;               // RECSYS_WARM_START_ENABLED
  std::string warm_start_dir = ".recsys-warm";  // RECSYS_WARM_START_DIR (store/warm_start.h)
  bool shared_snapshots_enabled = true;         // RECSYS_SHARED_SNAPSHOTS_ENABLED
  int shared_snapshot_min_mb = 16;   // RECSYS_SHARED_SNAPSHOT_MIN_MB (store/shared_snapshots.h)
  int exposure_queue_rows = 100000;  // RECSYS_EXPOSURE_QUEUE_ROWS
  int exposure_flush_ms = 50;        // RECSYS_EXPOSURE_FLUSH_MS: longest a row waits for its COPY
  std::string experiment_salt = "recsys-experiments";  // RECSYS_EXPERIMENT_SALT
  double rate_limit_rps = 0;       // RECSYS_RATE_LIMIT_RPS: per-tenant default; 0 = unlimited
  int events_rate = 2000;          // RECSYS_EVENTS_RATE: events/s per tenant default; 0 = unlimited
  int events_burst = 20000;        // RECSYS_EVENTS_BURST: that bucket (>= 1000, one full batch)
  int max_connections = 4096;      // RECSYS_MAX_CONNECTIONS: more get 503
  int request_timeout_ms = 30000;  // RECSYS_REQUEST_TIMEOUT_MS: to read a request, and idle
  int shutdown_grace_ms = 10000;   // RECSYS_SHUTDOWN_GRACE_MS: SIGTERM waits this for requests
  int access_log_one_in = 1;       // RECSYS_ACCESS_LOG_ONE_IN: log 1 request in N; 0 = none
  std::vector<std::string> cors_origins;       // RECSYS_CORS_ORIGINS (comma-separated; empty = off)
  std::string api_key_secret;                  // RECSYS_API_KEY_SECRET; empty: API keys off
  std::string jwt_hs256_secret;                // RECSYS_JWT_HS256_SECRET; empty: HS256 off
  std::string jwt_jwks_json;                   // contents of RECSYS_JWT_JWKS_FILE
  std::string jwt_public_key_pem;              // contents of RECSYS_JWT_PUBLIC_KEY_FILE
  std::string jwt_issuer;                      // RECSYS_JWT_ISSUER; empty: not checked
  std::string jwt_audience;                    // RECSYS_JWT_AUDIENCE; empty: not checked
  std::string jwt_tenant_claim = "tenant_id";  // RECSYS_JWT_TENANT_CLAIM
  std::string jwt_roles_claim = "roles";       // RECSYS_JWT_ROLES_CLAIM
  bool signal_build_enabled = true;            // RECSYS_SIGNAL_BUILD_ENABLED
  int signal_build_interval_ms = 10000;        // RECSYS_SIGNAL_BUILD_INTERVAL_MS
  bool signal_build_in_sql = false;            // RECSYS_SIGNAL_BUILD_METHOD=sql (else streaming)
  int history_poll_ms = 250;                   // RECSYS_HISTORY_POLL_MS: tail new events
  int history_max_mb = 1024;                   // RECSYS_HISTORY_MAX_MB: recent-history memory cap
  bool live_signals_enabled = true;   // RECSYS_LIVE_SIGNALS_ENABLED: today served from memory
  int live_max_mb = 1024;             // RECSYS_LIVE_MAX_MB: live signal layers' memory cap
  int signal_today_interval_s = 300;  // RECSYS_SIGNAL_TODAY_INTERVAL_S: persist today this often
  int signal_max_items = 2000000;     // RECSYS_SIGNAL_MAX_ITEMS: items per namespace snapshot
  // RECSYS_SIGNAL_VERSIONS_KEEP: signal versions kept per tenant for rollback (the pinned one
  // besides); 0: none kept (store/signal_versions.h)
  int signal_versions_keep = 7;
  int heap_trim_ms = 5000;   // RECSYS_HEAP_TRIM_MS: give freed heap back this often; 0 = never
  int malloc_arena_max = 0;  // RECSYS_MALLOC_ARENA_MAX: malloc's arenas; 0 = glibc's default
};

using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

// The process environment as an EnvLookup.
EnvLookup ProcessEnv();

// Reads and validates every variable. `cores` is the default for RECSYS_HTTP_THREADS.
Result<ServeConfig> LoadServeConfig(const EnvLookup& env, int cores);

// RECSYS_SPILL_DIR when set and not empty, else kDefaultSpillDir: for commands that read no other
// serve setting.
std::string SpillDirOf(const EnvLookup& env);

// "host:port" -> host and port. Hosts are IPv4/IPv6 literals or "localhost"; [::1]:80 for IPv6.
Status ParseHostPort(const std::string& text, std::string* host, uint16_t* port);

}  // namespace recsys::cli
