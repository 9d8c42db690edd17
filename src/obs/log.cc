#include "obs/log.h"

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>

#include "obs/line_writer.h"

namespace recsys::obs {
namespace {

constexpr auto kFlushInterval = std::chrono::milliseconds(50);
constexpr size_t kMaxBufferedBytesPerThread = 1 << 20;

std::atomic<int> min_level{static_cast<int>(Level::kInfo)};
std::unique_ptr<LineWriter> async_writer;  // set by InitLogging, kept until exit
std::atomic<LineWriter*> current_writer{nullptr};

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

// Before InitLogging (and after ShutdownLogging) lines go straight to stderr, one write each.
void WriteDirect(std::string_view line) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  WriteAll(2, line);
}

// "2026-11-29T02:20:17.123Z" into `out` (24 chars). The date and time part is formatted once
// per second per thread.
void FormatTimestamp(char out[80]) {
  thread_local std::time_t cached_second = -1;
  thread_local char cached[64];
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  if (seconds != cached_second) {
    std::tm utc;
    gmtime_r(&seconds, &utc);
    std::snprintf(cached, sizeof cached, "%04d-%02d-%02dT%02d:%02d:%02d", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
    cached_second = seconds;
  }
  const int millis = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  // Once per line: the milliseconds by hand, not printf.
  const size_t length = std::strlen(cached);
  std::memcpy(out, cached, length);
  out[length] = '.';
  out[length + 1] = static_cast<char>('0' + millis / 100);
  out[length + 2] = static_cast<char>('0' + millis / 10 % 10);
  out[length + 3] = static_cast<char>('0' + millis % 10);
  out[length + 4] = 'Z';
  out[length + 5] = '\0';
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

void InitLogging(Level level) {
  min_level = static_cast<int>(level);
  if (async_writer == nullptr) {
    async_writer = std::make_unique<LineWriter>(2, kFlushInterval, kMaxBufferedBytesPerThread);
  }
  current_writer = async_writer.get();
}

void ShutdownLogging() {
  LineWriter* writer = current_writer.exchange(nullptr);
  if (writer != nullptr) writer->Flush();
}

LogLine::LogLine(Level level, std::string_view message)
    : level_(level), enabled_(static_cast<int>(level) >= min_level.load()) {
  if (!enabled_) return;
  char stamp[80];
  FormatTimestamp(stamp);
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
  line_ += "}\n";
  // Warnings and errors reach the file at once (with this thread's earlier lines).
  if (LineWriter* writer = current_writer.load()) {
    writer->Append(line_, /*urgent=*/level_ >= Level::kWarn);
  } else {
    WriteDirect(line_);
  }
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
  char digits[24];
  line_.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
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
