// Reads a file, a gzip file (detected by content, so any name works) or stdin ("-") line by line
// in constant memory, for the importers.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace recsys::cli {

class LineReader {
 public:
  // Errors: kNotFound / kInvalidArgument when the file cannot be opened.
  static Result<std::unique_ptr<LineReader>> Open(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Reads the next line into *line without its '\n'. Returns false at the end or on an error
  // (then status() says which). Lines longer than kMaxLineBytes are an error.
  bool Next(std::string* line);
  const Status& status() const { return status_; }
  // Bytes of the file consumed so far (compressed bytes for gzip), and the file's size (0 for
  // stdin), for progress.
  int64_t position() const;
  int64_t size() const { return size_; }

  static constexpr size_t kMaxLineBytes = 16 << 20;

 private:
  LineReader(gzFile file, int64_t size) : file_(file), size_(size) {}
  gzFile file_;
  int64_t size_;
  Status status_;
  std::vector<char> buffer_ = std::vector<char>(1 << 16);
  size_t pos_ = 0, end_ = 0;  // unread bytes of buffer_
  bool eof_ = false;
};

}  // namespace recsys::cli
