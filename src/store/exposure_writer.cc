#include "store/exposure_writer.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include "obs/log.h"
#include "store/binary_copy.h"
#include "store/connection_defaults.h"
#include "store/copy_stream.h"
#include "store/exposure_row.h"
#include "store/pg.h"

namespace recsys::store {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCopySql =
    "COPY exposure_events (" RECSYS_EXPOSURE_COLUMNS ") FROM STDIN WITH (FORMAT binary)";
// Replayed rows may already be in the table (a batch that committed but whose acknowledgement was
// lost was spilled too), so they go through a staging table and only request ids the table lacks
// are inserted, each once.
constexpr const char* kReplayBeginSql =
    "BEGIN; CREATE TEMP TABLE IF NOT EXISTS exposure_replay "
    "(LIKE exposure_events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS";
constexpr const char* kReplayCopySql =
    "COPY exposure_replay (" RECSYS_EXPOSURE_COLUMNS ") FROM STDIN WITH (FORMAT binary)";
constexpr const char* kReplayInsertSql =
    "INSERT INTO exposure_events (" RECSYS_EXPOSURE_COLUMNS
    ") "
    "SELECT DISTINCT ON (r.tenant_id, r.request_id) " RECSYS_EXPOSURE_COLUMNS
    " FROM exposure_replay r WHERE NOT EXISTS (SELECT 1 FROM exposure_events e "
    "WHERE e.tenant_id = r.tenant_id AND e.request_id = r.request_id); COMMIT";
constexpr size_t kReplayChunkRows = 5000;
// Queue chunks per batch (2 MiB, about 2,800 rows) and kept for reuse between batches.
constexpr size_t kBatchChunks = 8;
constexpr size_t kSpareChunks = 16;

// The binary COPY stream's header and trailer around a batch's tuples.
struct StreamEnds {
  std::string header, trailer;
  StreamEnds() {
    AppendBinaryCopyHeader(&header);
    AppendBinaryCopyTrailer(&trailer);
  }
};
const StreamEnds& Ends() {
  static const StreamEnds ends;
  return ends;
}

// Replayed rows skip request ids already stored.
Status CopyReplayedRows(PgConnection& conn, std::string_view tuples) {
  Status status = conn.Exec(kReplayBeginSql);
  if (status.ok()) {
    status = CopyIn(conn, kReplayCopySql, {Ends().header, tuples, Ends().trailer});
  }
  if (status.ok()) status = conn.Exec(kReplayInsertSql);
  if (!status.ok() && conn.IsHealthy()) (void)conn.Exec("ROLLBACK");
  return status;
}

// One COPY of `tuples` on `connection`, in one transaction. kInvalidArgument: PostgreSQL refused
// the content (nothing written); kUnavailable: the database could not be reached.
Status CopyRows(ReconnectingConnection& connection, std::string_view tuples, bool replayed) {
  auto conn = connection.Get();
  if (!conn.ok()) return conn.status();
  Status status = replayed
                      ? CopyReplayedRows(*conn.value(), tuples)
                      : CopyIn(*conn.value(), kCopySql, {Ends().header, tuples, Ends().trailer});
  if (!status.ok() && !conn.value()->IsHealthy()) connection.Reset();
  if (status.code() == StatusCode::kInternal) return Status::Unavailable(status.message());
  return status;
}

}  // namespace

ExposureWriter::ExposureWriter(ExposureWriterOptions options)
    : options_(std::move(options)), conn_(options_.database_url, kBackgroundConnectTimeoutS) {}

ExposureWriter::~ExposureWriter() { Stop(); }

void ExposureWriter::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_ || stopping_) return;  // stopping_ stays set: a stopped writer stays stopped
  running_ = true;
  thread_ = std::thread([this] { Loop(); });
  spill_thread_ = std::thread([this] { SpillLoop(); });
}

void ExposureWriter::Record(const service::Exposure& row) {
  // The tuple is built in this thread's buffer, outside the lock and without an allocation once
  // the buffer has grown; under the lock it is only appended.
  thread_local std::string tuple;
  tuple.clear();
  if (!AppendExposureTuple(row, &tuple)) {  // not a row PostgreSQL could take: kept aside
    std::string line;
    AppendExposureLine(row, &line);
    DeadLetter(line, "tenant_id or request_id is not a uuid");
    return;
  }
  std::unique_lock<std::mutex> lock(mu_);
  ++stats_.enqueued;
  if (queued_rows_ < options_.queue_capacity && !stopping_) {
    if (queued_.empty() || queued_.back().tuples.size() + tuple.size() > kChunkBytes) {
      Chunk& chunk = queued_.emplace_back();
      if (spare_chunks_.empty()) {
        chunk.tuples.reserve(kChunkBytes);
      } else {
        chunk.tuples = std::move(spare_chunks_.back());
        spare_chunks_.pop_back();
      }
    }
    queued_.back().tuples.append(tuple);
    ++queued_.back().rows;
    if (++queued_rows_ == options_.batch_rows) wake_.notify_one();
    return;
  }
  if (!running_) {  // not started or already stopped: no thread will take it
    lock.unlock();
    Spill(tuple, 1);
    return;
  }
  // Full (or shutting down): the spill thread keeps the row on disk rather than drop it.
  overflow_changed_.wait(lock, [this] { return overflow_.size() < options_.queue_capacity; });
  overflow_.push_back(tuple);
  overflow_changed_.notify_all();
}

void ExposureWriter::SpillLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    overflow_changed_.wait(lock, [this] { return stopping_ || !overflow_.empty(); });
    if (overflow_.empty()) {
      if (thread_stopped_) return;
      overflow_changed_.wait_for(lock, std::chrono::milliseconds(10));
      continue;
    }
    std::deque<std::string> rows;
    rows.swap(overflow_);
    overflow_changed_.notify_all();
    lock.unlock();
    std::string tuples;
    for (const std::string& row : rows) tuples += row;
    Spill(tuples, rows.size());
    lock.lock();
  }
}

ExposureStats ExposureWriter::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  ExposureStats stats = stats_;
  stats.queued = queued_rows_;
  stats.overflow = overflow_.size();
  return stats;
}

void ExposureWriter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  overflow_changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    thread_stopped_ = true;  // the spill thread drains what is left, then ends
  }
  overflow_changed_.notify_all();
  if (spill_thread_.joinable()) spill_thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  running_ = false;
  obs::Log(obs::Level::kInfo, "exposure writer stopped")
      .Int("enqueued", static_cast<int64_t>(stats_.enqueued))
      .Int("written", static_cast<int64_t>(stats_.written))
      .Int("spilled", static_cast<int64_t>(stats_.spilled))
      .Int("replayed", static_cast<int64_t>(stats_.replayed));
}

Status ExposureWriter::CopyIsolating(std::string_view tuples, size_t rows, bool replayed,
                                     std::string* unwritten) {
  Status status = CopyRows(conn_, tuples, replayed);
  if (status.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    (replayed ? stats_.replayed : stats_.written) += rows;
    return status;
  }
  if (status.code() != StatusCode::kInvalidArgument) {
    unwritten->append(tuples);
    return status;
  }
  if (rows == 1) {
    std::string line;
    AppendExposureLines(tuples, &line);
    DeadLetter(line, status.message());
    return Status::Ok();
  }
  // Refused for its content: halve until the refused rows stand alone, so that one bad row never
  // holds back the others.
  size_t split = 0;
  for (size_t n = 0; n < rows / 2; ++n) split += ExposureTupleSize(tuples.substr(split));
  Status first = CopyIsolating(tuples.substr(0, split), rows / 2, replayed, unwritten);
  if (!first.ok()) {
    unwritten->append(tuples.substr(split));
    return first;
  }
  return CopyIsolating(tuples.substr(split), rows - rows / 2, replayed, unwritten);
}

void ExposureWriter::DeadLetter(std::string_view line, const std::string& error) {
  std::error_code ec;
  fs::create_directories(options_.spill_dir, ec);
  const std::string path = options_.spill_dir + "/deadletter-" + std::to_string(getpid()) + ".copy";
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out.write(line.data(), static_cast<std::streamsize>(line.size()));
  out.flush();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.dead_lettered;
  }
  obs::Log(obs::Level::kError, "exposure row refused by the database; kept in a dead-letter file")
      .Str("path", path)
      .Str("error", error)
      .Bool("saved", static_cast<bool>(out));
}

bool ExposureWriter::WriteBatch(const std::string& tuples, size_t rows) {
  std::string unwritten;
  Status s = CopyIsolating(tuples, rows, /*replayed=*/false, &unwritten);
  if (s.ok()) return true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.failed_batches;
  }
  const size_t unwritten_rows = CountExposureTuples(unwritten);
  obs::Log(obs::Level::kWarn, "exposure batch failed; spilling to disk")
      .Int("rows", static_cast<int64_t>(unwritten_rows))
      .Str("error", s.message());
  Spill(unwritten, unwritten_rows);
  return false;
}

std::string ExposureWriter::AppendToSpillFile(std::string_view lines) {
  std::lock_guard<std::mutex> lock(spill_mu_);
  std::error_code ec;
  fs::create_directories(options_.spill_dir, ec);
  const std::string path = options_.spill_dir + "/exposures-" + std::to_string(getpid()) + "-" +
                           std::to_string(spill_sequence_) + ".copy";
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out.write(lines.data(), static_cast<std::streamsize>(lines.size()));
  out.flush();
  if (!out) {
    obs::Log(obs::Level::kError, "exposure spill write failed: rows lost")
        .Str("path", path)
        .Int("rows", static_cast<int64_t>(std::count(lines.begin(), lines.end(), '\n')));
    return "";
  }
  return path;
}

void ExposureWriter::Spill(std::string_view tuples, size_t rows) {
  std::string lines;
  AppendExposureLines(tuples, &lines);
  const std::string path = AppendToSpillFile(lines);
  if (path.empty()) return;
  uint64_t total;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.spilled += rows;
    total = stats_.spilled;
  }
  // One line per 1000 spilled rows keeps the log readable under sustained overload.
  if (rows > 1 || total % 1000 == 1) {
    obs::Log(obs::Level::kWarn, "exposure rows spilled to disk")
        .Str("path", path)
        .Int("rows", static_cast<int64_t>(rows))
        .Int("spilled_total", static_cast<int64_t>(total));
  }
}

void ExposureWriter::ReplaySpills() {
  std::vector<fs::path> files;
  {
    std::lock_guard<std::mutex> lock(spill_mu_);
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(options_.spill_dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("exposures-", 0) == 0 && entry.path().extension() == ".copy") {
        fs::path claimed = entry.path();
        claimed += ".replaying";
        fs::rename(entry.path(), claimed, ec);
        if (!ec) files.push_back(claimed);
      }
    }
    // Leftovers of an interrupted replay are claimed too.
    for (const auto& entry : fs::directory_iterator(options_.spill_dir, ec)) {
      if (entry.path().extension() == ".replaying" &&
          std::find(files.begin(), files.end(), entry.path()) == files.end()) {
        files.push_back(entry.path());
      }
    }
    ++spill_sequence_;  // new spills go to a fresh file
  }
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    // A chunk of the file's lines and the same rows as tuples, to be sent.
    std::string line, chunk, tuples;
    size_t rows = 0;
    bool failed = false;
    auto flush = [&] {
      if (rows == 0) return;
      std::string unwritten;
      if (failed || !CopyIsolating(tuples, rows, /*replayed=*/true, &unwritten).ok()) {
        // Already counted as spilled once: back on disk chunk by chunk, in constant memory.
        if (!failed) {
          chunk.clear();
          AppendExposureLines(unwritten, &chunk);
        }
        AppendToSpillFile(chunk);
        failed = true;
      }
      chunk.clear();
      tuples.clear();
      rows = 0;
    };
    while (std::getline(in, line)) {
      if (in.eof()) {  // no newline: the last record was torn by a crash mid-write
        std::lock_guard<std::mutex> lock(mu_);
        ++stats_.torn_records;
        obs::Log(obs::Level::kWarn, "torn exposure record at the end of a spill file skipped")
            .Str("file", file.string())
            .Int("bytes", static_cast<int64_t>(line.size()));
        break;
      }
      line.push_back('\n');
      if (Status s = AppendExposureTupleFromLine(std::string_view(line).substr(0, line.size() - 1),
                                                 &tuples);
          !s.ok()) {
        DeadLetter(line, "spilled line: " + s.message());
        continue;
      }
      chunk += line;
      if (++rows >= kReplayChunkRows) flush();
    }
    flush();
    in.close();
    std::error_code ec;
    fs::remove(file, ec);
    if (failed) break;  // the database is failing again; retry later
    obs::Log(obs::Level::kInfo, "exposure spill replayed").Str("file", file.string());
  }
}

void ExposureWriter::Loop() {
  auto last_replay = std::chrono::steady_clock::now() - std::chrono::hours(1);
  RetryBackoff retry = kExposureWriterRetry;
  auto backoff = std::chrono::milliseconds(0);  // added to the wait after a failed batch
  // The batch, joined from a few of the queue's chunks outside the lock; both keep their
  // capacity, and both are bounded by kBatchChunks.
  std::string data;
  std::vector<std::string> chunks;
  for (;;) {
    size_t rows = 0;
    bool stopping;
    {
      std::unique_lock<std::mutex> lock(mu_);
      // The chunks taken last time go back for reuse (a few; the rest are freed).
      for (std::string& chunk : chunks) {
        if (spare_chunks_.size() >= kSpareChunks) break;
        chunk.clear();
        spare_chunks_.push_back(std::move(chunk));
      }
      chunks.clear();
      wake_.wait_for(lock, std::chrono::milliseconds(options_.flush_interval_ms) + backoff,
                     [this] { return stopping_ || queued_rows_ >= options_.batch_rows; });
      stopping = stopping_;
      // A batch is at most kBatchChunks chunks: a backlog stays in the queue, whose capacity
      // bounds it, instead of being copied whole into the batch and its binary form.
      while (!queued_.empty() && chunks.size() < kBatchChunks) {
        rows += queued_.front().rows;
        chunks.push_back(std::move(queued_.front().tuples));
        queued_.pop_front();
      }
      queued_rows_ -= rows;
    }
    data.clear();
    for (const std::string& chunk : chunks) data.append(chunk);
    if (rows > 0) {
      if (!WriteBatch(data, rows)) {
        backoff = retry.Next();
        continue;
      }
      retry.Reset();
      backoff = std::chrono::milliseconds(0);
    } else if (stopping) {
      break;
    }
    // Replay spilled rows once in a while when the database accepts writes, also while traffic
    // keeps the queue busy (else spills would wait for a quiet moment that may never come).
    const auto now = std::chrono::steady_clock::now();
    if (now - last_replay > std::chrono::milliseconds(options_.replay_interval_ms)) {
      last_replay = now;
      std::error_code ec;
      if (fs::exists(options_.spill_dir, ec) && !fs::is_empty(options_.spill_dir, ec)) {
        ReplaySpills();
      }
    }
  }
  conn_.Reset();
}

}  // namespace recsys::store
