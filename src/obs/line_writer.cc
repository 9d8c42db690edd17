#include "obs/line_writer.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace recsys::obs {

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

namespace {

std::atomic<uint64_t> next_writer_id{1};

}  // namespace

LineWriter::LineWriter(int fd, std::chrono::milliseconds flush_interval, size_t max_buffered_bytes)
    : fd_(fd), max_buffered_bytes_(max_buffered_bytes), id_(next_writer_id.fetch_add(1)) {
  flusher_ = std::thread([this, flush_interval] {
    std::unique_lock<std::mutex> lock(stop_mu_);
    while (!stop_cv_.wait_for(lock, flush_interval, [this] { return stopping_; })) {
      lock.unlock();
      Flush();
      lock.lock();
    }
  });
}

LineWriter::~LineWriter() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_one();
  flusher_.join();
  Flush();
}

LineWriter::Buffer& LineWriter::ThisThreadBuffer() {
  struct Cached {
    uint64_t writer_id = 0;
    std::shared_ptr<Buffer> buffer;
  };
  thread_local Cached cached;
  if (cached.writer_id != id_) {
    cached.buffer = std::make_shared<Buffer>();
    cached.writer_id = id_;
    std::lock_guard<std::mutex> lock(buffers_mu_);
    buffers_.push_back(cached.buffer);
  }
  return *cached.buffer;
}

void LineWriter::Append(std::string_view line, bool urgent) {
  Buffer& buffer = ThisThreadBuffer();
  {
    std::lock_guard<std::mutex> lock(buffer.mu);
    buffer.data.append(line);
    if (!urgent && buffer.data.size() <= max_buffered_bytes_) return;
  }
  std::lock_guard<std::mutex> write_lock(write_mu_);
  WriteOut(buffer);
}

void LineWriter::WriteOut(Buffer& buffer) {
  // The buffer takes spare_'s storage in exchange, so neither allocates again once grown.
  spare_.clear();
  {
    std::lock_guard<std::mutex> lock(buffer.mu);
    spare_.swap(buffer.data);
  }
  WriteAll(fd_, spare_);
}

void LineWriter::Flush() {
  std::vector<std::shared_ptr<Buffer>> buffers;
  {
    std::lock_guard<std::mutex> lock(buffers_mu_);
    // A buffer only this list still holds belongs to a thread that has ended: write it a last
    // time and forget it.
    buffers = buffers_;
    std::erase_if(buffers_, [](const std::shared_ptr<Buffer>& b) { return b.use_count() <= 2; });
  }
  std::lock_guard<std::mutex> write_lock(write_mu_);
  for (const auto& buffer : buffers) WriteOut(*buffer);
}

}  // namespace recsys::obs
