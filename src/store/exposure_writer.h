// Writes exposure_events rows without delaying responses.
//
// Record() does no I/O and never drops: rows go into a bounded in-memory queue that one writer
// thread drains with a single COPY per batch (one transaction). When the queue is full (the
// database is slow or down), rows go to a second bounded queue that a spill thread appends to a
// spill file in `spill_dir`, off the request path; only when that queue is full too does Record()
// wait for the spill thread (disk slower than the request rate). A batch the database cannot take
// (unreachable) is spilled by the writer thread. Rows PostgreSQL refuses for their content are
// isolated by splitting the batch until they stand alone and go to a dead-letter file in
// `spill_dir` (logged, counted), so one bad row never holds back the others. The writer replays
// spill files (also those left by an earlier process) once the database accepts writes again,
// inserting only request ids not stored yet (a batch whose commit was not acknowledged is spilled
// too), and skips a torn last record (a crash mid-write).
// Stop() flushes the queue (to the database, else to a spill file) before returning. Every spill
// and replay is logged with counts. Record and stats are thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "service/exposure_sink.h"
#include "store/pg.h"

namespace recsys::store {

struct ExposureWriterOptions {
  std::string database_url;
  std::string spill_dir;           // REQUIRES: not empty (cli/serve_config.h has the default)
  size_t queue_capacity = 100000;  // rows
  size_t batch_rows = 2000;        // rows that wake the writer before flush_interval_ms is up
  int flush_interval_ms = 50;
  int replay_interval_ms = 5000;  // how often spill files are retried while writes succeed
};

struct ExposureStats {
  uint64_t enqueued = 0, written = 0, spilled = 0, replayed = 0, failed_batches = 0;
  uint64_t dead_lettered = 0;  // rows PostgreSQL refused for their content, kept aside
  uint64_t torn_records = 0;   // partial last lines of spill files (a crash mid-write), skipped
  uint64_t queued = 0;         // rows in the queue now
  uint64_t overflow = 0;       // rows waiting for the spill thread now
};

class ExposureWriter : public service::ExposureSink {
 public:
  explicit ExposureWriter(ExposureWriterOptions options);
  ~ExposureWriter() override;  // calls Stop()
  ExposureWriter(const ExposureWriter&) = delete;
  ExposureWriter& operator=(const ExposureWriter&) = delete;

  // Starts the writer and spill threads. Idempotent while running; a writer is started at most
  // once: Start() after Stop() does nothing (make a new writer instead).
  void Start();
  // Queues `row` (see above). Before Start() and after Stop() no thread takes rows: the row is
  // appended to a spill file on the caller's thread (disk I/O; the next writer replays it).
  // Never drops a row and never fails. Thread-safe.
  void Record(const service::Exposure& row) override;
  // Flushes everything queued, then stops the threads. Idempotent; final (see Start()).
  void Stop();
  ExposureStats stats() const;

 private:
  void Loop();
  // The spill thread: moves overflow_ rows to the spill file.
  void SpillLoop();
  // Writes a batch of tuples (store/exposure_row.h); what could not be written (database
  // unreachable) is spilled. Returns whether all of it was written (or dead-lettered).
  bool WriteBatch(const std::string& tuples, size_t rows);
  // COPYs `tuples` (`rows` of them), counted as written or, for spilled rows, replayed (those
  // skip request ids already stored); a batch refused for its content is halved until each
  // refused row stands alone and goes to the dead-letter file. On kUnavailable, the tuples not
  // written are appended to *unwritten.
  Status CopyIsolating(std::string_view tuples, size_t rows, bool replayed, std::string* unwritten);
  // Appends one refused row's text line to this process's dead-letter file, with a log line.
  void DeadLetter(std::string_view line, const std::string& error);
  // Appends COPY text lines to this process's current spill file; returns its path, or ""
  // (logged) when the write failed.
  std::string AppendToSpillFile(std::string_view lines);
  // Spills `tuples` (`rows` of them) as text lines: AppendToSpillFile, counted in stats and
  // logged.
  void Spill(std::string_view tuples, size_t rows);
  void ReplaySpills();

  ExposureWriterOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  // Tuples waiting for the writer thread, in chunks of about kChunkBytes: one growing buffer
  // was copied whole under the lock each time it grew, which stalled every request thread for
  // milliseconds once the database fell behind. The writer takes a few chunks per batch.
  struct Chunk {
    std::string tuples;
    size_t rows = 0;
  };
  static constexpr size_t kChunkBytes = 256 * 1024;
  std::deque<Chunk> queued_;
  std::vector<std::string> spare_chunks_;  // emptied by the writer, capacity kept for reuse
  size_t queued_rows_ = 0;
  std::deque<std::string> overflow_;  // full queued_: tuples waiting for the spill thread
  std::condition_variable overflow_changed_;
  bool stopping_ = false;
  bool thread_stopped_ = false;  // the writer thread has ended (set by Stop)
  bool running_ = false;
  ExposureStats stats_;
  ReconnectingConnection conn_;  // used by the writer thread only
  std::mutex spill_mu_;
  uint64_t spill_sequence_ = 0;
  std::thread thread_;
  std::thread spill_thread_;
};

}  // namespace recsys::store
