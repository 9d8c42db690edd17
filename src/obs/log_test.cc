#include "obs/log.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace recsys::obs {
namespace {

// Before InitLogging() a line is written straight to stderr, so the test reads it back at once.
std::string LoggedLine(void (*log)()) {
  testing::internal::CaptureStderr();
  log();
  return testing::internal::GetCapturedStderr();
}

TEST(LogTest, WritesOneJsonLineWithAMillisecondUtcTimestamp) {
  const std::string line = LoggedLine([] {
    Log(Level::kWarn, "dropped \"x\"").Str("path", "a\tb\n").Int("count", -3).Bool("ok", true);
  });
  const std::regex shape(
      R"(\{"ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"warn","msg":"dropped \\"x\\"",)"
      R"("path":"a\\tb\\n","count":-3,"ok":true\}\n)");
  EXPECT_TRUE(std::regex_match(line, shape)) << line;
}

TEST(LogTest, LinesBelowTheMinimumLevelAreNotWritten) {
  EXPECT_EQ(LoggedLine([] { Log(Level::kDebug, "quiet").Int("n", 1); }), "");
}

}  // namespace
}  // namespace recsys::obs
