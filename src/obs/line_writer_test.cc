#include "obs/line_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace recsys::obs {
namespace {

// A temporary file to write to, read back as a string.
class TempFile {
 public:
  TempFile() : file_(std::tmpfile()) {}
  ~TempFile() { std::fclose(file_); }
  int fd() const { return fileno(file_); }
  std::string Contents() const {
    std::string out;
    char chunk[65536];
    for (off_t offset = 0;;) {
      const ssize_t n = ::pread(fd(), chunk, sizeof chunk, offset);
      if (n <= 0) return out;
      out.append(chunk, static_cast<size_t>(n));
      offset += n;
    }
  }

 private:
  FILE* file_;
};

constexpr auto kNever = std::chrono::hours(1);

TEST(LineWriterTest, EveryLineOfEveryThreadArrivesWholeAndInThreadOrder) {
  TempFile file;
  constexpr int kThreads = 8, kLines = 5000;
  {
    LineWriter writer(file.fd(), std::chrono::milliseconds(1), 4096);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&writer, t] {
        for (int i = 0; i < kLines; ++i) {
          writer.Append("thread " + std::to_string(t) + " line " + std::to_string(i) + "\n",
                        /*urgent=*/i % 1000 == 0);
        }
      });
    }
    for (auto& thread : threads) thread.join();
  }
  std::istringstream lines(file.Contents());
  std::map<int, int> next;  // thread -> the line number expected next
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    int t = -1, i = -1;
    ASSERT_EQ(std::sscanf(line.c_str(), "thread %d line %d", &t, &i), 2) << line;
    EXPECT_EQ(i, next[t]) << "thread " << t;
    next[t] = i + 1;
    ++count;
  }
  EXPECT_EQ(count, kThreads * kLines);
}

TEST(LineWriterTest, UrgentLinesAreWrittenAtOnceWithTheThreadsEarlierLines) {
  TempFile file;
  LineWriter writer(file.fd(), kNever, 1 << 20);
  writer.Append("first\n", false);
  EXPECT_EQ(file.Contents(), "");
  writer.Append("second\n", true);
  EXPECT_EQ(file.Contents(), "first\nsecond\n");
}

TEST(LineWriterTest, AFullBufferIsWrittenByTheCaller) {
  TempFile file;
  LineWriter writer(file.fd(), kNever, 10);
  writer.Append("12345\n", false);
  EXPECT_EQ(file.Contents(), "");
  writer.Append("67890\n", false);  // 12 bytes buffered > 10
  EXPECT_EQ(file.Contents(), "12345\n67890\n");
}

TEST(LineWriterTest, TheFlusherWritesWithinItsInterval) {
  TempFile file;
  LineWriter writer(file.fd(), std::chrono::milliseconds(5), 1 << 20);
  writer.Append("soon\n", false);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (file.Contents().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(file.Contents(), "soon\n");
}

TEST(LineWriterTest, LinesOfAThreadThatEndedAreStillWritten) {
  TempFile file;
  LineWriter writer(file.fd(), kNever, 1 << 20);
  std::thread([&writer] { writer.Append("from a finished thread\n", false); }).join();
  writer.Flush();
  EXPECT_EQ(file.Contents(), "from a finished thread\n");
  writer.Flush();  // the ended thread's buffer is gone; nothing is written twice
  EXPECT_EQ(file.Contents(), "from a finished thread\n");
}

}  // namespace
}  // namespace recsys::obs
