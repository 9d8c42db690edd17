#include "cli/serve_config.h"

#include <gtest/gtest.h>

#include <map>
#include <utility>
#include <vector>

namespace recsys::cli {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const std::string kUrl = "postgresql://recsys@127.0.0.1:5432/recsys";

TEST(ServeConfigTest, DefaultsNeedOnlyTheDatabaseUrl) {
  auto config = LoadServeConfig(FakeEnv({{"DATABASE_URL", kUrl}}), 4);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config.value().database_url, kUrl);
  EXPECT_EQ(config.value().http_host, "127.0.0.1");
  EXPECT_EQ(config.value().http_port, 8000);
  EXPECT_EQ(config.value().http_threads, 4);
  EXPECT_FALSE(config.value().dev_auth_enabled);
  EXPECT_EQ(config.value().access_log_one_in, 1);  // every request
}

TEST(ServeConfigTest, OneUrlServesEverythingUnlessReadAndDirectUrlsAreGiven) {
  auto one = LoadServeConfig(FakeEnv({{"DATABASE_URL", kUrl}}), 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one.value().database_read_url, "");  // no standby
  EXPECT_EQ(one.value().database_direct_url, kUrl);
  auto three = LoadServeConfig(FakeEnv({{"DATABASE_URL", "postgresql://x@pooler:6432/recsys"},
                                        {"RECSYS_DATABASE_READ_URL", "host=standby dbname=recsys"},
                                        {"RECSYS_DATABASE_DIRECT_URL", kUrl}}),
                               1);
  ASSERT_TRUE(three.ok()) << three.status().ToString();
  EXPECT_EQ(three.value().database_url, "postgresql://x@pooler:6432/recsys");
  EXPECT_EQ(three.value().database_read_url, "host=standby dbname=recsys");
  EXPECT_EQ(three.value().database_direct_url, kUrl);
}

TEST(ServeConfigTest, CommandsReadingOnlyTheSpillDirGetServesDefault) {
  EXPECT_EQ(SpillDirOf(FakeEnv({})),
            LoadServeConfig(FakeEnv({{"DATABASE_URL", kUrl}}), 1).value().spill_dir);
  EXPECT_EQ(SpillDirOf(FakeEnv({{"RECSYS_SPILL_DIR", ""}})), kDefaultSpillDir);
  EXPECT_EQ(SpillDirOf(FakeEnv({{"RECSYS_SPILL_DIR", "/var/spill"}})), "/var/spill");
}

TEST(ServeConfigTest, MissingDatabaseUrlNamesTheVariable) {
  auto config = LoadServeConfig(FakeEnv({}), 2);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("DATABASE_URL"), std::string::npos);
}

TEST(ServeConfigTest, EachBadValueNamesItsVariable) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"RECSYS_HTTP_ADDR", "127.0.0.1"},
      {"RECSYS_HTTP_ADDR", "nowhere:80"},
      {"RECSYS_HTTP_THREADS", "0"},
      {"RECSYS_MAX_BODY_BYTES", "lots"},
      {"RECSYS_DEV_AUTH_ENABLED", "yes please"},
      {"RECSYS_LOG_LEVEL", "loud"},
      {"RECSYS_PARTITIONS_AHEAD", "-1"},
      {"RECSYS_READINESS_INTERVAL_MS", "1"},
      {"DATABASE_URL", "mysql://x"},
      {"RECSYS_DATABASE_READ_URL", "standby:5432"},
      {"RECSYS_DATABASE_DIRECT_URL", "mysql://x"},
      {"RECSYS_DATABASE_READ_WAIT_MS", "60000"},
      {"RECSYS_USER_KEY_SECRET", "short"},
      {"RECSYS_REFRESH_INTERVAL_MS", "10"},
      {"RECSYS_API_KEY_SECRET", "short"},
      {"RECSYS_JWT_HS256_SECRET", "short"},
      {"RECSYS_JWT_PUBLIC_KEY_FILE", "/nonexistent.pem"},
      {"RECSYS_JWT_TENANT_CLAIM", ""},
      {"RECSYS_RATE_LIMIT_RPS", "-5"},
      {"RECSYS_MAX_CONNECTIONS", "0"},
      {"RECSYS_ACCESS_LOG_ONE_IN", "-1"},
      {"RECSYS_CORS_ORIGINS", "evil.example"},
      {"RECSYS_REQUEST_TIMEOUT_MS", "1"},
      {"RECSYS_JWT_JWKS_FILE", "/nonexistent.json"},
      {"RECSYS_EXPOSURE_LOG_ENABLED", "maybe"},
      {"RECSYS_SIGNAL_BUILD_ENABLED", "sometimes"},
      {"RECSYS_SIGNAL_BUILD_METHOD", "magic"},
      {"RECSYS_SIGNAL_BUILD_INTERVAL_MS", "5"},
      {"RECSYS_HISTORY_POLL_MS", "1000"},
      {"RECSYS_HISTORY_MAX_MB", "0"},
      {"RECSYS_EVENTS_RATE", "-1"},
      {"RECSYS_EVENTS_BURST", "999"},
      {"RECSYS_HEAP_TRIM_MS", "-1"},
      {"RECSYS_MALLOC_ARENA_MAX", "5000"},
      {"RECSYS_WARM_START_ENABLED", "perhaps"},
      {"RECSYS_WARM_START_DIR", ""},
      {"RECSYS_SPILL_DIR", ""},
      {"RECSYS_EXPERIMENT_SALT", ""},
      {"RECSYS_SHUTDOWN_GRACE_MS", "-1"},
      {"RECSYS_EXPOSURE_QUEUE_ROWS", "1"},
  };
  for (const auto& [name, value] : bad) {
    std::map<std::string, std::string> vars = {{"DATABASE_URL", kUrl}};
    vars[name] = value;
    auto config = LoadServeConfig(FakeEnv(vars), 2);
    ASSERT_FALSE(config.ok()) << name << "=" << value;
    EXPECT_NE(config.status().message().find(name), std::string::npos) << config.status().message();
  }
}

TEST(ServeConfigTest, ParsesAddressesAndFlags) {
  auto config = LoadServeConfig(FakeEnv({{"DATABASE_URL", kUrl},
                                         {"RECSYS_HTTP_ADDR", "[::1]:9090"},
                                         {"RECSYS_DEV_AUTH_ENABLED", "true"},
                                         {"RECSYS_LOG_LEVEL", "warn"},
                                         {"RECSYS_ACCESS_LOG_ONE_IN", "100"}}),
                                2);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config.value().http_host, "::1");
  EXPECT_EQ(config.value().http_port, 9090);
  EXPECT_TRUE(config.value().dev_auth_enabled);
  EXPECT_EQ(config.value().log_level, obs::Level::kWarn);
  EXPECT_EQ(config.value().access_log_one_in, 100);
}

TEST(ServeConfigTest, SecretsAreNeverEchoedInErrors) {
  for (const char* name :
       {"RECSYS_USER_KEY_SECRET", "RECSYS_API_KEY_SECRET", "RECSYS_JWT_HS256_SECRET"}) {
    auto config = LoadServeConfig(FakeEnv({{"DATABASE_URL", kUrl}, {name, "tooshort"}}), 2);
    ASSERT_FALSE(config.ok()) << name;
    EXPECT_EQ(config.status().message().find("tooshort"), std::string::npos);
  }
}

TEST(ServeConfigTest, EveryKindOfSettingIsApplied) {
  auto config = LoadServeConfig(FakeEnv({{"DATABASE_URL", kUrl},
                                         {"RECSYS_WARM_START_DIR", "/var/lib/recsys/warm"},
                                         {"RECSYS_WARM_START_ENABLED", "false"},
                                         {"RECSYS_SPILL_DIR", "/var/lib/recsys/spill"},
                                         {"RECSYS_HISTORY_POLL_MS", "100"},
                                         {"RECSYS_MAX_BODY_BYTES", "2048"},
                                         {"RECSYS_RATE_LIMIT_RPS", "50"},
                                         {"RECSYS_EVENTS_RATE", "0"},
                                         {"RECSYS_EVENTS_BURST", "5000"},
                                         {"RECSYS_USER_KEY_SECRET", "0123456789abcdef"},
                                         {"RECSYS_SIGNAL_BUILD_METHOD", "sql"},
                                         {"RECSYS_CORS_ORIGINS", "https://a.example,*"}}),
                                2);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const ServeConfig& c = config.value();
  EXPECT_EQ(c.warm_start_dir, "/var/lib/recsys/warm");
  EXPECT_FALSE(c.warm_start_enabled);
  EXPECT_EQ(c.spill_dir, "/var/lib/recsys/spill");
  EXPECT_EQ(c.history_poll_ms, 100);
  EXPECT_EQ(c.max_body_bytes, 2048u);
  EXPECT_EQ(c.rate_limit_rps, 50);
  EXPECT_EQ(c.events_rate, 0);
  EXPECT_EQ(c.events_burst, 5000);
  EXPECT_EQ(c.user_key_secret, "0123456789abcdef");
  EXPECT_TRUE(c.signal_build_in_sql);
  EXPECT_EQ(c.cors_origins, (std::vector<std::string>{"https://a.example", "*"}));

  auto defaults = LoadServeConfig(FakeEnv({{"DATABASE_URL", kUrl}}), 2);
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults.value().user_key_secret, "");  // the database's, read at start
  EXPECT_EQ(defaults.value().spill_dir, kDefaultSpillDir);
  EXPECT_EQ(defaults.value().warm_start_dir, ".recsys-warm");
  EXPECT_EQ(defaults.value().events_rate, 2000);
  EXPECT_EQ(defaults.value().events_burst, 20000);
  EXPECT_EQ(defaults.value().heap_trim_ms, 5000);
  EXPECT_EQ(defaults.value().malloc_arena_max, 0);
}

}  // namespace
}  // namespace recsys::cli
