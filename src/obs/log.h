// Structured logging: one JSON object per line on stderr.
//
//   obs::Log(obs::Level::kInfo, "migrated").Str("name", n).Int("count", 3);
//
// The line is written when the temporary LogLine is destroyed. Writes go through an asynchronous
// spdlog logger with a bounded queue; when the queue is full the caller blocks rather than losing
// lines. Thread-safe after InitLogging(); before it, lines go to a synchronous stderr logger.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace recsys::obs {

enum class Level { kDebug, kInfo, kWarn, kError };

// Parses "debug" | "info" | "warn" | "error". Returns false for anything else.
bool ParseLevel(std::string_view text, Level* level);

// Switches to the asynchronous logger and sets the minimum level. Call once, early in main.
void InitLogging(Level min_level);
// Flushes queued lines and stops the background writer. Call before exit.
void ShutdownLogging();

class LogLine {
 public:
  LogLine(Level level, std::string_view message);
  ~LogLine();
  LogLine(const LogLine&) = delete;
  LogLine& operator=(const LogLine&) = delete;

  LogLine& Str(std::string_view key, std::string_view value);
  LogLine& Int(std::string_view key, int64_t value);
  LogLine& Bool(std::string_view key, bool value);

 private:
  void Key(std::string_view key);
  void AppendEscaped(std::string_view text);

  Level level_;
  bool enabled_;
  std::string line_;
};

inline LogLine Log(Level level, std::string_view message) { return LogLine(level, message); }

}  // namespace recsys::obs
