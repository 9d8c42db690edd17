#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace recsys::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kTerminalRedraw = std::chrono::milliseconds(100);
constexpr auto kLogEvery = std::chrono::seconds(5);
constexpr int kBarWidth = 30;

}  // namespace

Progress::Progress(std::string label, std::string unit, int64_t total)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      tty_(isatty(STDERR_FILENO) != 0),
      started_(Clock::now()),
      last_draw_(started_) {}

void Progress::Update(int64_t done) {
  done_ = done;
  const auto now = Clock::now();
  if (now - last_draw_ < (tty_ ? kTerminalRedraw : kLogEvery)) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - started_).count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  if (!tty_) {
    std::fprintf(stderr, "%s: %lld %s (%.0f/s)\n", label_.c_str(), static_cast<long long>(done),
                 unit_.c_str(), rate);
    return;
  }
  if (total_ > 0) {
    const double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
    const int filled = static_cast<int>(fraction * kBarWidth);
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
    std::fprintf(stderr, "\r%s [%-*s] %3.0f%% %lld/%lld %s %.0f/s ETA %.0fs ", label_.c_str(),
                 kBarWidth, std::string(static_cast<size_t>(filled), '=').c_str(), fraction * 100,
                 static_cast<long long>(done), static_cast<long long>(total_), unit_.c_str(), rate,
                 eta);
  } else {
    std::fprintf(stderr, "\r%s %lld %s %.0f/s ", label_.c_str(), static_cast<long long>(done),
                 unit_.c_str(), rate);
  }
  std::fflush(stderr);
}

void Progress::Finish() {
  if (finished_) return;
  finished_ = true;
  if (tty_ && done_ > 0) std::fputc('\n', stderr);
}

}  // namespace recsys::cli
