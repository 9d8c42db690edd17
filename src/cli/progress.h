// Progress of long CLI work (cli.md): on a terminal, a bar with rate and ETA redrawn on stderr;
// otherwise one plain line every few seconds, so logs stay readable. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace recsys::cli {

class Progress {
 public:
  // `unit`: what is counted ("events", "days"); `total` 0 when unknown (no bar, no ETA).
  Progress(std::string label, std::string unit, int64_t total);
  ~Progress() { Finish(); }

  void Update(int64_t done);
  void SetTotal(int64_t total) { total_ = total; }
  // Ends the bar's line. Idempotent.
  void Finish();

 private:
  std::string label_, unit_;
  int64_t total_;
  int64_t done_ = 0;
  bool tty_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point started_, last_draw_;
};

}  // namespace recsys::cli
