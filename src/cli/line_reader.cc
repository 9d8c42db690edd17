#include "cli/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace recsys::cli {

Result<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path) {
  const int fd = path == "-" ? dup(STDIN_FILENO) : open(path.c_str(), O_RDONLY);
  if (fd < 0) {
    return Status::NotFound("cannot open " + path + ": " + std::strerror(errno));
  }
  struct stat info {};
  const int64_t size = fstat(fd, &info) == 0 && S_ISREG(info.st_mode) ? info.st_size : 0;
  gzFile file = gzdopen(fd, "rb");
  if (file == nullptr) {
    close(fd);
    return Status::InvalidArgument("cannot read " + path);
  }
  gzbuffer(file, 1 << 18);
  return std::unique_ptr<LineReader>(new LineReader(file, size));
}

LineReader::~LineReader() { gzclose(file_); }

bool LineReader::Next(std::string* line) {
  line->clear();
  for (;;) {
    if (pos_ == end_) {
      if (eof_) return !line->empty();  // a last line without '\n'
      const int n = gzread(file_, buffer_.data(), static_cast<unsigned>(buffer_.size()));
      if (n < 0) {
        int code = Z_OK;
        status_ = Status::InvalidArgument(std::string("read error: ") + gzerror(file_, &code));
        return false;
      }
      if (n == 0) eof_ = true;
      pos_ = 0;
      end_ = static_cast<size_t>(n);
      continue;
    }
    const char* start = buffer_.data() + pos_;
    const void* newline = std::memchr(start, '\n', end_ - pos_);
    const size_t take = newline ? static_cast<const char*>(newline) - start : end_ - pos_;
    line->append(start, take);
    pos_ += take;
    if (line->size() > kMaxLineBytes) {
      status_ = Status::InvalidArgument("a line is longer than 16 MiB");
      return false;
    }
    if (newline) {
      ++pos_;
      return true;
    }
  }
}

int64_t LineReader::position() const { return gzoffset(file_); }

}  // namespace recsys::cli
