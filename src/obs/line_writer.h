// Writes text lines from many threads to one file descriptor in few write(2) calls, without
// waking another thread per line (the cost of a queue-and-signal logger on a request path).
//
// Append() copies a finished line into the calling thread's own buffer, under a lock that only
// the flusher ever contends for. A flusher thread writes every buffer each `flush_interval`.
// An urgent line, and a buffer grown beyond `max_buffered_bytes`, are written by the calling
// thread at once, after that thread's earlier lines: each thread's lines stay in order, memory
// stays bounded, and a slow disk makes the caller wait rather than a line be lost. Lines of
// different threads may reach the file out of time order by up to one interval.
// Thread-safe. Write errors are ignored (there is nowhere left to report them).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace recsys::obs {

// Writes all of `data` to `fd`, retrying short writes and EINTR; gives up on any other error.
// Returns whether everything was written (errno tells why not). Not serialized: callers sharing
// `fd` hold their own lock.
bool WriteAll(int fd, std::string_view data);

class LineWriter {
 public:
  // `fd` stays owned by the caller and must outlive the writer.
  LineWriter(int fd, std::chrono::milliseconds flush_interval, size_t max_buffered_bytes);
  ~LineWriter();  // writes what is buffered and stops the flusher
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  // REQUIRES: `line` ends with '\n'.
  void Append(std::string_view line, bool urgent);
  // Writes every thread's buffered lines now.
  void Flush();

 private:
  struct Buffer {
    std::mutex mu;
    std::string data;
  };
  Buffer& ThisThreadBuffer();
  // REQUIRES: write_mu_ held.
  void WriteOut(Buffer& buffer);

  const int fd_;
  const size_t max_buffered_bytes_;
  const uint64_t id_;    // tells this writer's thread-local buffers from an earlier writer's
  std::mutex write_mu_;  // serializes writes to fd_; taken before any Buffer::mu
  std::string spare_;    // guarded by write_mu_
  std::mutex buffers_mu_;
  std::vector<std::shared_ptr<Buffer>> buffers_;  // guarded by buffers_mu_
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
  std::thread flusher_;
};

}  // namespace recsys::obs
