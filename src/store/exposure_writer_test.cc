#include "store/exposure_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "core/uuid.h"
#include "crypto/digest.h"
#include "store/exposure_row.h"
#include "testing/test_db.h"

namespace recsys::store {
namespace {

service::Exposure Row(int n) {
  service::Exposure e;
  e.tenant_id = "00000000-0000-4000-8000-000000000001";
  e.occurred_at = NowUs();
  e.request_id = NewUuidV4();
  e.surface = "home";
  e.segment = "default";
  e.user_key = crypto::HmacSha256("secret", "user-" + std::to_string(n));
  e.algo_version = "test";
  e.request_json = R"({"surface": "home", "note": "tab\there \\ and newline\n"})";
  e.response_json = R"({"items": []})";
  return e;
}

std::string LineOf(const service::Exposure& row) {
  std::string line;
  AppendExposureLine(row, &line);
  return line;
}

std::string Count(PgConnection& conn) {
  auto r = conn.Query("SELECT count(*) FROM exposure_events");
  return r.ok() ? std::string(r.value().Get(0, 0)) : "error";
}

// Bytes this thread has written through write(2) and friends, from Linux's per-thread I/O counters.
long ThreadBytesWritten() {
  std::ifstream io("/proc/thread-self/io");
  std::string key;
  long value = 0;
  while (io >> key >> value) {
    if (key == "wchar:") return value;
  }
  return -1;
}

constexpr const char* kUnreachable = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1";

// Records `rows` rows while the database is unreachable, so that every one of them is spilled to
// `spill_dir`; returns the writer's final stats.
ExposureStats RecordWhileDown(const std::string& spill_dir, int rows, size_t queue_capacity,
                              size_t batch_rows) {
  ExposureWriter down({kUnreachable, spill_dir, queue_capacity, batch_rows, 10});
  down.Start();
  for (int i = 0; i < rows; ++i) down.Record(Row(i));
  down.Stop();
  return down.stats();
}

TEST(ExposureWriterTest, WritesEveryRecordedRowBeforeStopReturns) {
  auto db = testing::TestDatabase::Create("exposure_writer");
  const std::string spill = "/tmp/recsys-spill-test-" + NewUuidV4();
  ExposureWriterOptions options{db->url(), spill, 100000, 100, 20};
  ExposureWriter writer(options);
  writer.Start();
  service::Exposure first = Row(0);
  first.experiment_id = "exp-1";
  writer.Record(first);
  for (int i = 1; i < 1234; ++i) writer.Record(Row(i));
  writer.Stop();
  PgConnection conn = db->Connect();
  EXPECT_EQ(Count(conn), "1234");
  EXPECT_EQ(writer.stats().written, 1234u);
  // Every kind of field arrives as recorded (the rows travel in binary COPY format).
  auto r = conn.Query(
      "SELECT request->>'note', encode(user_key, 'hex'), "
      "(extract(epoch FROM occurred_at) * 1000000)::bigint, tenant_id, session_id IS NULL, "
      "experiment_id, surface, response FROM exposure_events WHERE request_id = $1",
      {first.request_id});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r.value().rows(), 1);
  EXPECT_EQ(r.value().Get(0, 0), "tab\there \\ and newline\n");
  EXPECT_EQ(r.value().Get(0, 1), crypto::ToHex(first.user_key));
  EXPECT_EQ(r.value().Get(0, 2), std::to_string(first.occurred_at));
  EXPECT_EQ(r.value().Get(0, 3), first.tenant_id);
  EXPECT_EQ(r.value().Get(0, 4), "t");
  EXPECT_EQ(r.value().Get(0, 5), "exp-1");
  EXPECT_EQ(r.value().Get(0, 6), "home");
  EXPECT_EQ(r.value().Get(0, 7), R"({"items": []})");
  std::filesystem::remove_all(spill);
}

TEST(ExposureWriterTest, ABacklogLargerThanABatchIsWrittenInSeveralBatches) {
  auto db = testing::TestDatabase::Create("exposure_backlog");
  const std::string spill = "/tmp/recsys-spill-test-" + NewUuidV4();
  // Nothing wakes the writer before Stop(): the whole backlog (several MiB, more than one
  // batch's chunks) waits in the queue, and Stop() must write all of it.
  ExposureWriter writer({db->url(), spill, 100000, 100000, 10000});
  writer.Start();
  const int rows = 20000;
  for (int i = 0; i < rows; ++i) writer.Record(Row(i));
  EXPECT_EQ(writer.stats().queued, static_cast<uint64_t>(rows));
  writer.Stop();
  PgConnection conn = db->Connect();
  EXPECT_EQ(Count(conn), std::to_string(rows));
  EXPECT_EQ(writer.stats().written, static_cast<uint64_t>(rows));
  EXPECT_EQ(writer.stats().spilled, 0u);
  std::filesystem::remove_all(spill);
}

TEST(ExposureWriterTest, SpillsWhenTheDatabaseIsDownAndReplaysLater) {
  auto db = testing::TestDatabase::Create("exposure_spill");
  const std::string spill = "/tmp/recsys-spill-test-" + NewUuidV4();
  const ExposureStats down = RecordWhileDown(spill, 200, 50, 10);  // 50 fit the queue
  EXPECT_EQ(down.written, 0u);
  EXPECT_EQ(down.spilled, 200u);
  ASSERT_FALSE(std::filesystem::is_empty(spill));

  ExposureWriter up({db->url(), spill, 1000, 100, 10});
  up.Start();
  PgConnection conn = db->Connect();
  for (int i = 0; i < 100 && Count(conn) != "200"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  up.Stop();
  EXPECT_EQ(Count(conn), "200");
  EXPECT_EQ(up.stats().replayed, 200u);
  EXPECT_TRUE(std::filesystem::is_empty(spill));
  std::filesystem::remove_all(spill);
}

TEST(ExposureWriterTest, AFullQueueNeverWritesToDiskOnTheCallersThread) {
  const std::string spill = "/tmp/recsys-spill-test-" + NewUuidV4();
  // The database is unreachable and the queue tiny: nearly every row must be spilled.
  ExposureWriterOptions options{kUnreachable, spill, 10, 5, 20};
  ExposureWriter writer(options);
  writer.Start();
  const long before = ThreadBytesWritten();
  ASSERT_GE(before, 0);
  for (int i = 0; i < 3000; ++i) writer.Record(Row(i));
  EXPECT_EQ(ThreadBytesWritten(), before) << "Record() wrote to a file on the request thread";
  writer.Stop();
  const ExposureStats stats = writer.stats();
  EXPECT_EQ(stats.enqueued, 3000u);
  EXPECT_EQ(stats.spilled, 3000u);  // nothing lost
  std::filesystem::remove_all(spill);
}

TEST(ExposureWriterTest, AStoppedWriterStaysStoppedAndSpillsRecordsOnTheCallersThread) {
  auto db = testing::TestDatabase::Create("exposure_stopped");
  const std::string spill = "/tmp/recsys-spill-test-" + NewUuidV4();
  ExposureWriter writer({db->url(), spill, 1000, 5, 5});
  writer.Start();
  writer.Stop();
  writer.Start();  // no effect: the threads are not started again
  writer.Record(Row(1));
  // Already on disk when Record returns: no thread would have taken it.
  ExposureStats stats = writer.stats();
  EXPECT_EQ(stats.spilled, 1u);
  EXPECT_EQ(stats.queued, 0u);
  writer.Stop();
  PgConnection conn = db->Connect();
  EXPECT_EQ(Count(conn), "0");
  // The next writer replays it.
  ExposureWriter next({db->url(), spill, 1000, 5, 5});
  next.Start();
  EXPECT_TRUE(
      testing::WaitFor([&] { return next.stats().replayed == 1; }, std::chrono::seconds(10)));
  next.Stop();
  EXPECT_EQ(Count(conn), "1");
  std::filesystem::remove_all(spill);
}

TEST(ExposureWriterTest, SpilledRowsReplayWhileTrafficContinues) {
  auto db = testing::TestDatabase::Create("exposure_replay_busy");
  const std::string spill = "/tmp/recsys-spill-test-" + NewUuidV4();
  ASSERT_EQ(RecordWhileDown(spill, 200, 10, 5).spilled, 200u);
  ExposureWriterOptions options{db->url(), spill, 1000, 5, 5};
  options.replay_interval_ms = 100;
  ExposureWriter up(options);
  up.Start();
  // Steady traffic keeps the queue from ever being idle while we wait for the replay.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int sent = 0;
  while (up.stats().replayed < 200 && std::chrono::steady_clock::now() < deadline) {
    up.Record(Row(1000 + sent++));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(up.stats().replayed, 200u) << "spills waited for traffic to stop";
  up.Stop();
  PgConnection conn = db->Connect();
  EXPECT_EQ(Count(conn), std::to_string(200 + sent));
  std::filesystem::remove_all(spill);
}

TEST(ExposureWriterTest, ARowTheDatabaseRefusesIsSetAsideAndHoldsNothingBack) {
  auto db = testing::TestDatabase::Create("exposure_dead_letter");
  const std::string spill = "/tmp/recsys-spill-test-" + NewUuidV4();
  ExposureWriter writer({db->url(), spill, 10000, 100, 10});
  writer.Start();
  for (int i = 0; i < 100; ++i) {
    service::Exposure row = Row(i);
    if (i == 37) row.request_json = "{not json";  // PostgreSQL refuses it for json
    writer.Record(row);
  }
  writer.Stop();
  PgConnection conn = db->Connect();
  EXPECT_EQ(Count(conn), "99");
  const ExposureStats stats = writer.stats();
  EXPECT_EQ(stats.written, 99u);
  EXPECT_EQ(stats.dead_lettered, 1u);
  EXPECT_EQ(stats.spilled, 0u);
  std::string dead;
  testing::RunShell("cat " + spill + "/deadletter-*.copy", &dead);
  EXPECT_NE(dead.find("{not json"), std::string::npos) << dead;
  std::filesystem::remove_all(spill);
}

TEST(ExposureWriterTest, ARowWithoutUuidsIsSetAsideWhenRecorded) {
  auto db = testing::TestDatabase::Create("exposure_not_uuid");
  const std::string spill = "/tmp/recsys-spill-test-" + NewUuidV4();
  ExposureWriter writer({db->url(), spill, 10000, 100, 10});
  writer.Start();
  service::Exposure bad = Row(0);
  bad.request_id = "not-a-uuid";
  writer.Record(bad);
  writer.Record(Row(1));
  writer.Stop();
  PgConnection conn = db->Connect();
  EXPECT_EQ(Count(conn), "1");
  EXPECT_EQ(writer.stats().dead_lettered, 1u);
  std::string dead;
  testing::RunShell("cat " + spill + "/deadletter-*.copy", &dead);
  EXPECT_EQ(dead, LineOf(bad));
  std::filesystem::remove_all(spill);
}

// Writes `contents` as a spill file an earlier process left behind.
void WriteSpillFile(const std::string& spill_dir, const std::string& contents) {
  std::filesystem::create_directories(spill_dir);
  std::ofstream(spill_dir + "/exposures-1-0.copy", std::ios::binary) << contents;
}

// Replays whatever is in `spill_dir` into `url` and returns the writer's stats.
ExposureStats Replay(const std::string& url, const std::string& spill_dir) {
  ExposureWriter up({url, spill_dir, 1000, 100, 10});
  up.Start();
  auto waiting = [&] {  // spill files not replayed yet (dead-letter files stay)
    for (const auto& entry : std::filesystem::directory_iterator(spill_dir)) {
      if (entry.path().filename().string().rfind("exposures-", 0) == 0) return true;
    }
    return false;
  };
  for (int i = 0; i < 200 && waiting(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  up.Stop();
  return up.stats();
}

TEST(ExposureWriterTest, ReplayStoresEachRequestIdOnce) {
  auto db = testing::TestDatabase::Create("exposure_replay_dedupe");
  const std::string spill = "/tmp/recsys-spill-test-" + NewUuidV4();
  const service::Exposure stored = Row(1), spilled_twice = Row(2);
  {  // `stored` reached the table, but its batch was spilled too (the commit's ack was lost).
    ExposureWriter writer({db->url(), spill, 100, 10, 10});
    writer.Start();
    writer.Record(stored);
    writer.Stop();
  }
  const std::string twice = LineOf(spilled_twice);
  WriteSpillFile(spill, LineOf(stored) + twice + twice);
  const ExposureStats stats = Replay(db->url(), spill);
  PgConnection conn = db->Connect();
  EXPECT_EQ(Count(conn), "2");
  auto per_id = conn.Query(
      "SELECT max(n) FROM (SELECT count(*) n FROM exposure_events "
      "GROUP BY request_id) c");
  ASSERT_TRUE(per_id.ok());
  EXPECT_EQ(per_id.value().Get(0, 0), "1");
  EXPECT_EQ(stats.dead_lettered, 0u);
  std::filesystem::remove_all(spill);
}

TEST(ExposureWriterTest, ATornLastRecordIsSkippedAndTheRestReplayed) {
  auto db = testing::TestDatabase::Create("exposure_torn");
  const std::string spill = "/tmp/recsys-spill-test-" + NewUuidV4();
  std::string contents;
  for (int i = 0; i < 10; ++i) contents += LineOf(Row(i));
  const std::string last = LineOf(Row(10));
  contents += last.substr(0, last.size() / 2);  // the process died mid-write
  WriteSpillFile(spill, contents);
  const ExposureStats stats = Replay(db->url(), spill);
  PgConnection conn = db->Connect();
  EXPECT_EQ(Count(conn), "10");
  EXPECT_EQ(stats.torn_records, 1u);
  EXPECT_EQ(stats.dead_lettered, 0u);
  EXPECT_TRUE(std::filesystem::is_empty(spill));
  std::filesystem::remove_all(spill);
}

TEST(ExposureWriterTest, ASpilledLineThatIsNotARowIsSetAsideAndTheRestReplayed) {
  auto db = testing::TestDatabase::Create("exposure_bad_spill_line");
  const std::string spill = "/tmp/recsys-spill-test-" + NewUuidV4();
  WriteSpillFile(spill, LineOf(Row(0)) + "garbage\tline\n" + LineOf(Row(1)));
  const ExposureStats stats = Replay(db->url(), spill);
  PgConnection conn = db->Connect();
  EXPECT_EQ(Count(conn), "2");
  EXPECT_EQ(stats.replayed, 2u);
  EXPECT_EQ(stats.dead_lettered, 1u);
  std::string dead;
  testing::RunShell("cat " + spill + "/deadletter-*.copy", &dead);
  EXPECT_EQ(dead, "garbage\tline\n");
  std::filesystem::remove_all(spill);
}

}  // namespace
}  // namespace recsys::store
