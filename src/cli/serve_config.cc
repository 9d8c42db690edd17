#include "cli/serve_config.h"

#include <arpa/inet.h>

#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/parse_number.h"
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

std::string SpillDirOf(const EnvLookup& env) {
  auto dir = env("RECSYS_SPILL_DIR");
  return dir && !dir->empty() ? *dir : kDefaultSpillDir;
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

namespace {

// The plain settings, as tables: a name, where it goes, what it accepts.
struct IntField {
  const char* name;
  int ServeConfig::*slot;
  long long lo, hi;
};
constexpr IntField kIntFields[] = {
    {"RECSYS_HTTP_THREADS", &ServeConfig::http_threads, 1, 256},
    {"RECSYS_PARTITIONS_AHEAD", &ServeConfig::partitions_ahead, 1, 120},
    {"RECSYS_READINESS_INTERVAL_MS", &ServeConfig::readiness_interval_ms, 50, 60000},
    {"RECSYS_REFRESH_INTERVAL_MS", &ServeConfig::refresh_interval_ms, 100, 86400000},
    {"RECSYS_MAX_CONNECTIONS", &ServeConfig::max_connections, 1, 1000000},
    {"RECSYS_REQUEST_TIMEOUT_MS", &ServeConfig::request_timeout_ms, 100, 3600000},
    {"RECSYS_SHUTDOWN_GRACE_MS", &ServeConfig::shutdown_grace_ms, 0, 600000},
    {"RECSYS_ACCESS_LOG_ONE_IN", &ServeConfig::access_log_one_in, 0, 1000000},
    {"RECSYS_EXPOSURE_QUEUE_ROWS", &ServeConfig::exposure_queue_rows, 100, 10000000},
    {"RECSYS_EXPOSURE_FLUSH_MS", &ServeConfig::exposure_flush_ms, 1, 10000},
    {"RECSYS_SIGNAL_BUILD_INTERVAL_MS", &ServeConfig::signal_build_interval_ms, 100, 86400000},
    {"RECSYS_HISTORY_POLL_MS", &ServeConfig::history_poll_ms, 10, 500},
    {"RECSYS_DATABASE_READ_WAIT_MS", &ServeConfig::database_read_wait_ms, 0, 10000},
    {"RECSYS_HISTORY_MAX_MB", &ServeConfig::history_max_mb, 1, 1 << 20},
    {"RECSYS_EVENTS_RATE", &ServeConfig::events_rate, 0, 10000000},
    {"RECSYS_EVENTS_BURST", &ServeConfig::events_burst, 1000, 1000000000},
    {"RECSYS_HEAP_TRIM_MS", &ServeConfig::heap_trim_ms, 0, 3600000},
    {"RECSYS_MALLOC_ARENA_MAX", &ServeConfig::malloc_arena_max, 0, 1024},
    {"RECSYS_SHARED_SNAPSHOT_MIN_MB", &ServeConfig::shared_snapshot_min_mb, 0, 1 << 20},
    {"RECSYS_LIVE_MAX_MB", &ServeConfig::live_max_mb, 1, 1 << 20},
    {"RECSYS_SIGNAL_TODAY_INTERVAL_S", &ServeConfig::signal_today_interval_s, 0, 86400},
    {"RECSYS_SIGNAL_MAX_ITEMS", &ServeConfig::signal_max_items, 1000, 1 << 30},
    {"RECSYS_SIGNAL_VERSIONS_KEEP", &ServeConfig::signal_versions_keep, 0, 1000},
};

struct BoolField {
  const char* name;
  bool ServeConfig::*slot;
};
constexpr BoolField kBoolFields[] = {
    {"RECSYS_EXPOSURE_LOG_ENABLED", &ServeConfig::exposure_log_enabled},
    {"RECSYS_WARM_START_ENABLED", &ServeConfig::warm_start_enabled},
    {"RECSYS_SHARED_SNAPSHOTS_ENABLED", &ServeConfig::shared_snapshots_enabled},
    {"RECSYS_DEV_AUTH_ENABLED", &ServeConfig::dev_auth_enabled},
    {"RECSYS_SIGNAL_BUILD_ENABLED", &ServeConfig::signal_build_enabled},
    {"RECSYS_LIVE_SIGNALS_ENABLED", &ServeConfig::live_signals_enabled},
};

// Text that must not be empty when set; a secret also has a minimum length and is never echoed.
struct TextField {
  const char* name;
  std::string ServeConfig::*slot;
  size_t min_secret_length;  // 0: not a secret
};
constexpr TextField kTextFields[] = {
    {"RECSYS_SPILL_DIR", &ServeConfig::spill_dir, 0},
    {"RECSYS_WARM_START_DIR", &ServeConfig::warm_start_dir, 0},
    {"RECSYS_EXPERIMENT_SALT", &ServeConfig::experiment_salt, 0},
    {"RECSYS_JWT_ISSUER", &ServeConfig::jwt_issuer, 0},
    {"RECSYS_JWT_AUDIENCE", &ServeConfig::jwt_audience, 0},
    {"RECSYS_JWT_TENANT_CLAIM", &ServeConfig::jwt_tenant_claim, 0},
    {"RECSYS_JWT_ROLES_CLAIM", &ServeConfig::jwt_roles_claim, 0},
    {"RECSYS_USER_KEY_SECRET", &ServeConfig::user_key_secret, 16},
    {"RECSYS_API_KEY_SECRET", &ServeConfig::api_key_secret, 16},
    {"RECSYS_JWT_HS256_SECRET", &ServeConfig::jwt_hs256_secret, 32},
};

Status ReadFields(const EnvLookup& env, ServeConfig& config) {
  for (const IntField& f : kIntFields) {
    long long value = config.*f.slot;
    RETURN_IF_ERROR(ReadInt(env, f.name, f.lo, f.hi, &value));
    config.*f.slot = static_cast<int>(value);
  }
  for (const BoolField& f : kBoolFields) RETURN_IF_ERROR(ReadBool(env, f.name, &(config.*f.slot)));
  for (const TextField& f : kTextFields) {
    auto value = env(f.name);
    if (!value) continue;
    if (f.min_secret_length > 0 && value->size() < f.min_secret_length) {
      return Bad(f.name, "(hidden)",
                 "want at least " + std::to_string(f.min_secret_length) + " characters");
    }
    if (value->empty()) return Bad(f.name, *value, "must not be empty");
    config.*f.slot = *value;
  }
  long long body = static_cast<long long>(config.max_body_bytes);
  RETURN_IF_ERROR(ReadInt(env, "RECSYS_MAX_BODY_BYTES", 1024, 64 << 20, &body));
  config.max_body_bytes = static_cast<size_t>(body);
  long long rps = 0;
  RETURN_IF_ERROR(ReadInt(env, "RECSYS_RATE_LIMIT_RPS", 0, 1000000, &rps));
  config.rate_limit_rps = static_cast<double>(rps);
  return Status::Ok();
}

bool LooksLikeLibpqUrl(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0 ||
         url.find('=') != std::string::npos;
}

// DATABASE_URL (required), and the optional read and direct URLs.
Status ReadDatabaseUrls(const EnvLookup& env, ServeConfig& config) {
  auto url = env("DATABASE_URL");
  if (!url || url->empty()) {
    return Status::InvalidArgument(
        "DATABASE_URL is not set (want a libpq URL, e.g. "
        "postgresql://user@127.0.0.1:5432/recsys)");
  }
  if (!LooksLikeLibpqUrl(*url)) {
    return Status::InvalidArgument(
        "DATABASE_URL is invalid: want postgresql://... or a key=value connection string");
  }
  config.database_url = *url;
  for (auto [name, slot] : {std::pair{"RECSYS_DATABASE_READ_URL", &config.database_read_url},
                            std::pair{"RECSYS_DATABASE_DIRECT_URL", &config.database_direct_url}}) {
    auto other = env(name);
    if (!other || other->empty()) continue;
    if (!LooksLikeLibpqUrl(*other)) {
      return Bad(name, *other, "want postgresql://... or a key=value connection string");
    }
    *slot = *other;
  }
  if (config.database_direct_url.empty()) config.database_direct_url = config.database_url;
  return Status::Ok();
}

// RECSYS_CORS_ORIGINS: comma-separated http(s) origins, or *.
Status ReadCorsOrigins(const EnvLookup& env, ServeConfig& config) {
  auto origins = env("RECSYS_CORS_ORIGINS");
  if (!origins) return Status::Ok();
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
  return Status::Ok();
}

// The whole file at `path`, into *out; false when it cannot be read.
bool ReadNamedFile(const std::string& path, std::string* out) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  *out = text.str();
  return static_cast<bool>(in);
}

Status ReadJwtKeyFiles(const EnvLookup& env, ServeConfig& config) {
  if (auto path = env("RECSYS_JWT_PUBLIC_KEY_FILE")) {
    if (!ReadNamedFile(*path, &config.jwt_public_key_pem) ||
        config.jwt_public_key_pem.find("-----BEGIN PUBLIC KEY-----") == std::string::npos) {
      return Bad("RECSYS_JWT_PUBLIC_KEY_FILE", *path, "want a readable PEM public key file");
    }
  }
  if (auto path = env("RECSYS_JWT_JWKS_FILE")) {
    if (!ReadNamedFile(*path, &config.jwt_jwks_json)) {
      return Bad("RECSYS_JWT_JWKS_FILE", *path, "want a readable JWKS file");
    }
    auto keys = crypto::ParseJwks(config.jwt_jwks_json);
    if (!keys.ok()) return Bad("RECSYS_JWT_JWKS_FILE", *path, keys.status().message());
  }
  return Status::Ok();
}

// The settings that are neither numbers, switches nor plain text.
Status ReadChoices(const EnvLookup& env, ServeConfig& config) {
  if (auto addr = env("RECSYS_HTTP_ADDR")) {
    if (Status s = ParseHostPort(*addr, &config.http_host, &config.http_port); !s.ok()) {
      return Bad("RECSYS_HTTP_ADDR", *addr, s.message());
    }
  }
  if (auto method = env("RECSYS_SIGNAL_BUILD_METHOD")) {
    if (*method != "sql" && *method != "streaming") {
      return Bad("RECSYS_SIGNAL_BUILD_METHOD", *method, "want sql or streaming");
    }
    config.signal_build_in_sql = *method == "sql";
  }
  if (auto level = env("RECSYS_LOG_LEVEL")) {
    if (!obs::ParseLevel(*level, &config.log_level)) {
      return Bad("RECSYS_LOG_LEVEL", *level, "want debug, info, warn or error");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ServeConfig> LoadServeConfig(const EnvLookup& env, int cores) {
  ServeConfig config;
  config.http_threads = cores > 0 ? cores : 1;
  RETURN_IF_ERROR(ReadDatabaseUrls(env, config));
  RETURN_IF_ERROR(ReadFields(env, config));
  RETURN_IF_ERROR(ReadChoices(env, config));
  RETURN_IF_ERROR(ReadCorsOrigins(env, config));
  RETURN_IF_ERROR(ReadJwtKeyFiles(env, config));
  return config;
}

}  // namespace recsys::cli
