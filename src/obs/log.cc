#include "obs/log.h"

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace recsys::obs {
namespace {

spdlog::level::level_enum ToSpd(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

std::shared_ptr<spdlog::logger> MakeSyncLogger() {
  auto logger = spdlog::stderr_logger_mt("recsys-sync");
  logger->set_pattern("%v");
  return logger;
}

std::shared_ptr<spdlog::logger>& CurrentLogger() {
  static std::shared_ptr<spdlog::logger> logger = MakeSyncLogger();
  return logger;
}

}  // namespace

bool ParseLevel(std::string_view text, Level* level) {
  if (text == "debug")
    *level = Level::kDebug;
  else if (text == "info")
    *level = Level::kInfo;
  else if (text == "warn")
    *level = Level::kWarn;
  else if (text == "error")
    *level = Level::kError;
  else
    return false;
  return true;
}

void InitLogging(Level min_level) {
  constexpr size_t kQueueLines = 16384;
  spdlog::init_thread_pool(kQueueLines, 1);
  // Block when the queue is full rather than overrun: a log line is never dropped silently.
  auto logger = std::make_shared<spdlog::async_logger>(
      "recsys-async", std::make_shared<spdlog::sinks::stderr_sink_mt>(), spdlog::thread_pool(),
      spdlog::async_overflow_policy::block);
  logger->set_pattern("%v");
  logger->set_level(ToSpd(min_level));
  logger->flush_on(spdlog::level::warn);
  CurrentLogger()->set_level(ToSpd(min_level));
  CurrentLogger() = logger;
}

void ShutdownLogging() {
  CurrentLogger()->flush();
  spdlog::shutdown();
}

LogLine::LogLine(Level level, std::string_view message)
    : level_(level), enabled_(CurrentLogger()->should_log(ToSpd(level))) {
  if (!enabled_) return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc;
  gmtime_r(&seconds, &utc);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  line_.reserve(256);
  line_ += "{\"ts\":\"";
  line_ += stamp;
  line_ += "\",\"level\":\"";
  line_ += LevelName(level);
  line_ += "\",\"msg\":\"";
  AppendEscaped(message);
  line_ += '"';
}

LogLine::~LogLine() {
  if (!enabled_) return;
  line_ += '}';
  CurrentLogger()->log(ToSpd(level_), line_);
}

void LogLine::Key(std::string_view key) {
  line_ += ",\"";
  AppendEscaped(key);
  line_ += "\":";
}

LogLine& LogLine::Str(std::string_view key, std::string_view value) {
  if (!enabled_) return *this;
  Key(key);
  line_ += '"';
  AppendEscaped(value);
  line_ += '"';
  return *this;
}

LogLine& LogLine::Int(std::string_view key, int64_t value) {
  if (!enabled_) return *this;
  Key(key);
  line_ += std::to_string(value);
  return *this;
}

LogLine& LogLine::Bool(std::string_view key, bool value) {
  if (!enabled_) return *this;
  Key(key);
  line_ += value ? "true" : "false";
  return *this;
}

void LogLine::AppendEscaped(std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '"':
        line_ += "\\\"";
        break;
      case '\\':
        line_ += "\\\\";
        break;
      case '\n':
        line_ += "\\n";
        break;
      case '\r':
        line_ += "\\r";
        break;
      case '\t':
        line_ += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          line_ += buf;
        } else {
          line_ += c;
        }
    }
  }
}

}  // namespace recsys::obs
