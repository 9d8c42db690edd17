// Structured logging: one JSON object per line on stderr.
//
//   obs::Log(obs::Level::kInfo, "migrated").Str("name", n).Int("count", 3);
//
// The line is written when the temporary LogLine is destroyed. After InitLogging() lines are
// batched per thread (obs::LineWriter): info and debug lines reach stderr within about 50 ms,
// warnings and errors at once; no line is dropped and no line wakes another thread. Thread-safe.
// Before InitLogging() and after ShutdownLogging(), each line is written directly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace recsys::obs {

enum class Level { kDebug, kInfo, kWarn, kError };

// Parses "debug" | "info" | "warn" | "error". Returns false for anything else.
bool ParseLevel(std::string_view text, Level* level);

// Sets the minimum level and switches to batched writing. Call early in main.
void InitLogging(Level min_level);
// Writes what is batched and switches back to direct writes. Call before exit.
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
