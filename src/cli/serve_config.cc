#include "cli/serve_config.h"

#include <arpa/inet.h>

#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/parse_number.h"
#include "core/uuid.h"
#include "crypto/jwks.h"

namespace recsys::cli {
namespace {

Status Bad(const char* name, const std::string& value, const std::string& why) {
  return Status::InvalidArgument(std::string(name) + "=\"" + value + "\" is invalid: " + why);
}

// Parses a whole decimal integer within [lo, hi].
bool ParseInt(const std::string& text, long long lo, long long hi, long long* out) {
  const std::optional<int64_t> value = ParseInt64In(text, lo, hi);
  if (value) *out = *value;
  return value.has_value();
}

Status ReadInt(const EnvLookup& env, const char* name, long long lo, long long hi, long long* out) {
  auto value = env(name);
  if (!value) return Status::Ok();
  if (!ParseInt(*value, lo, hi, out)) {
    return Bad(name, *value,
               "want an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return Status::Ok();
}

Status ReadBool(const EnvLookup& env, const char* name, bool* out) {
  auto value = env(name);
  if (!value) return Status::Ok();
  if (*value == "true" || *value == "1")
    *out = true;
  else if (*value == "false" || *value == "0")
    *out = false;
  else
    return Bad(name, *value, "want true or false");
  return Status::Ok();
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Status ParseHostPort(const std::string& text, std::string* host, uint16_t* port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("want host:port");
  std::string h = text.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  long long p = 0;
  if (!ParseInt(text.substr(colon + 1), 1, 65535, &p)) {
    return Status::InvalidArgument("port must be 1..65535");
  }
  if (h == "localhost") h = "127.0.0.1";
  unsigned char buf[16];
  if (inet_pton(AF_INET, h.c_str(), buf) != 1 && inet_pton(AF_INET6, h.c_str(), buf) != 1) {
    return Status::InvalidArgument("host must be an IP address or localhost");
  }
  *host = h;
  *port = static_cast<uint16_t>(p);
  return Status::Ok();
}

Result<ServeConfig> LoadServeConfig(const EnvLookup& env, int cores) {
  ServeConfig config;
  config.http_threads = cores > 0 ? cores : 1;

  auto url = env("DATABASE_URL");
  if (!url || url->empty()) {
    return Status::InvalidArgument(
        "DATABASE_URL is not set (want a libpq URL, e.g. "
        "postgresql://user@127.0.0.1:5432/recsys)");
  }
  if (url->rfind("postgresql://", 0) != 0 && url->rfind("postgres://", 0) != 0 &&
      url->find('=') == std::string::npos) {
    return Status::InvalidArgument(
        "DATABASE_URL is invalid: want postgresql://... or a key=value connection string");
  }
  config.database_url = *url;

  if (auto addr = env("RECSYS_HTTP_ADDR")) {
    if (Status s = ParseHostPort(*addr, &config.http_host, &config.http_port); !s.ok()) {
      return Bad("RECSYS_HTTP_ADDR", *addr, s.message());
    }
  }

  long long v = config.http_threads;
  if (Status s = ReadInt(env, "RECSYS_HTTP_THREADS", 1, 256, &v); !s.ok()) return s;
  config.http_threads = static_cast<int>(v);

  v = static_cast<long long>(config.max_body_bytes);
  if (Status s = ReadInt(env, "RECSYS_MAX_BODY_BYTES", 1024, 64 << 20, &v); !s.ok()) return s;
  config.max_body_bytes = static_cast<size_t>(v);

  v = config.partitions_ahead;
  if (Status s = ReadInt(env, "RECSYS_PARTITIONS_AHEAD", 1, 120, &v); !s.ok()) return s;
  config.partitions_ahead = static_cast<int>(v);

  v = config.readiness_interval_ms;
  if (Status s = ReadInt(env, "RECSYS_READINESS_INTERVAL_MS", 50, 60000, &v); !s.ok()) return s;
  config.readiness_interval_ms = static_cast<int>(v);

  v = config.refresh_interval_ms;
  if (Status s = ReadInt(env, "RECSYS_REFRESH_INTERVAL_MS", 100, 86400000, &v); !s.ok()) return s;
  config.refresh_interval_ms = static_cast<int>(v);

  v = 0;
  if (Status s = ReadInt(env, "RECSYS_RATE_LIMIT_RPS", 0, 1000000, &v); !s.ok()) return s;
  config.rate_limit_rps = static_cast<double>(v);

  v = config.max_connections;
  if (Status s = ReadInt(env, "RECSYS_MAX_CONNECTIONS", 1, 1000000, &v); !s.ok()) return s;
  config.max_connections = static_cast<int>(v);

  v = config.request_timeout_ms;
  if (Status s = ReadInt(env, "RECSYS_REQUEST_TIMEOUT_MS", 100, 3600000, &v); !s.ok()) return s;
  config.request_timeout_ms = static_cast<int>(v);

  v = config.shutdown_grace_ms;
  if (Status s = ReadInt(env, "RECSYS_SHUTDOWN_GRACE_MS", 0, 600000, &v); !s.ok()) return s;
  config.shutdown_grace_ms = static_cast<int>(v);

  v = config.access_log_one_in;
  if (Status s = ReadInt(env, "RECSYS_ACCESS_LOG_ONE_IN", 0, 1000000, &v); !s.ok()) return s;
  config.access_log_one_in = static_cast<int>(v);

  if (auto origins = env("RECSYS_CORS_ORIGINS")) {
    size_t start = 0;
    while (start <= origins->size()) {
      size_t end = origins->find(',', start);
      if (end == std::string::npos) end = origins->size();
      std::string origin = origins->substr(start, end - start);
      if (!origin.empty()) {
        if (origin != "*" && origin.rfind("http://", 0) != 0 && origin.rfind("https://", 0) != 0) {
          return Bad("RECSYS_CORS_ORIGINS", *origins, "want http(s)://host[:port] origins or *");
        }
        config.cors_origins.push_back(origin);
      }
      start = end + 1;
    }
  }

  v = config.exposure_queue_rows;
  if (Status s = ReadInt(env, "RECSYS_EXPOSURE_QUEUE_ROWS", 100, 10000000, &v); !s.ok()) return s;
  config.exposure_queue_rows = static_cast<int>(v);

  if (auto secret = env("RECSYS_USER_KEY_SECRET")) {
    if (secret->size() < 16) {
      return Bad("RECSYS_USER_KEY_SECRET", "(hidden)", "want at least 16 characters");
    }
    config.user_key_secret = *secret;
  } else {
    config.user_key_secret = NewUuidV4() + NewUuidV4();
    config.user_key_secret_generated = true;
  }

  if (auto dir = env("RECSYS_SPILL_DIR")) {
    if (dir->empty()) return Bad("RECSYS_SPILL_DIR", *dir, "want a folder path");
    config.spill_dir = *dir;
  }

  if (auto secret = env("RECSYS_API_KEY_SECRET")) {
    if (secret->size() < 16) {
      return Bad("RECSYS_API_KEY_SECRET", "(hidden)", "want at least 16 characters");
    }
    config.api_key_secret = *secret;
  }
  if (auto secret = env("RECSYS_JWT_HS256_SECRET")) {
    if (secret->size() < 32) {
      return Bad("RECSYS_JWT_HS256_SECRET", "(hidden)", "want at least 32 characters");
    }
    config.jwt_hs256_secret = *secret;
  }
  if (auto path = env("RECSYS_JWT_PUBLIC_KEY_FILE")) {
    std::ifstream in(*path);
    std::stringstream text;
    text << in.rdbuf();
    config.jwt_public_key_pem = text.str();
    if (!in || config.jwt_public_key_pem.find("-----BEGIN PUBLIC KEY-----") == std::string::npos) {
      return Bad("RECSYS_JWT_PUBLIC_KEY_FILE", *path, "want a readable PEM public key file");
    }
  }
  if (auto path = env("RECSYS_JWT_JWKS_FILE")) {
    std::ifstream in(*path);
    std::stringstream text;
    text << in.rdbuf();
    config.jwt_jwks_json = text.str();
    if (!in) return Bad("RECSYS_JWT_JWKS_FILE", *path, "want a readable JWKS file");
    auto keys = crypto::ParseJwks(config.jwt_jwks_json);
    if (!keys.ok()) return Bad("RECSYS_JWT_JWKS_FILE", *path, keys.status().message());
  }
  for (auto [name, slot] : {std::pair{"RECSYS_EXPERIMENT_SALT", &config.experiment_salt},
                            std::pair{"RECSYS_WARM_START_DIR", &config.warm_start_dir},
                            std::pair{"RECSYS_JWT_ISSUER", &config.jwt_issuer},
                            std::pair{"RECSYS_JWT_AUDIENCE", &config.jwt_audience},
                            std::pair{"RECSYS_JWT_TENANT_CLAIM", &config.jwt_tenant_claim},
                            std::pair{"RECSYS_JWT_ROLES_CLAIM", &config.jwt_roles_claim}}) {
    if (auto value = env(name)) {
      if (value->empty()) return Bad(name, *value, "must not be empty");
      *slot = *value;
    }
  }

  if (Status s = ReadBool(env, "RECSYS_EXPOSURE_LOG_ENABLED", &config.exposure_log_enabled);
      !s.ok()) {
    return s;
  }

  if (Status s = ReadBool(env, "RECSYS_WARM_START_ENABLED", &config.warm_start_enabled); !s.ok()) {
    return s;
  }

  if (Status s = ReadBool(env, "RECSYS_DEV_AUTH_ENABLED", &config.dev_auth_enabled); !s.ok()) {
    return s;
  }
  if (Status s = ReadBool(env, "RECSYS_SIGNAL_BUILD_ENABLED", &config.signal_build_enabled);
      !s.ok()) {
    return s;
  }
  if (auto method = env("RECSYS_SIGNAL_BUILD_METHOD")) {
    if (*method != "sql" && *method != "streaming") {
      return Bad("RECSYS_SIGNAL_BUILD_METHOD", *method, "want sql or streaming");
    }
    config.signal_build_in_sql = *method == "sql";
  }
  for (auto [name, slot, lo, hi] :
       {std::tuple{"RECSYS_SIGNAL_BUILD_INTERVAL_MS", &config.signal_build_interval_ms, 100,
                   86400000},
        std::tuple{"RECSYS_HISTORY_POLL_MS", &config.history_poll_ms, 10, 500},
        std::tuple{"RECSYS_HISTORY_MAX_MB", &config.history_max_mb, 1, 1 << 20}}) {
    long long value = *slot;
    if (Status s = ReadInt(env, name, lo, hi, &value); !s.ok()) return s;
    *slot = static_cast<int>(value);
  }

  if (auto level = env("RECSYS_LOG_LEVEL")) {
    if (!obs::ParseLevel(*level, &config.log_level)) {
      return Bad("RECSYS_LOG_LEVEL", *level, "want debug, info, warn or error");
    }
  }
  return config;
}

}  // namespace recsys::cli
