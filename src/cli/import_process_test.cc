// `recsys-service import` end to end: real files, a real PostgreSQL, the binary as a user runs it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "core/uuid.h"
#include "testing/serve_process.h"
#include "testing/test_db.h"

namespace recsys {
namespace {

using testing::QueryOne;

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("import");
    ASSERT_NE(db_, nullptr);
    auto conn = db_->Connect();
    QueryOne(conn, "INSERT INTO tenants (external_id, name) VALUES ('shop', 'Shop') RETURNING 1");
    dir_ = "/tmp/recsys-import-test-" + NewUuidV4();
    ASSERT_EQ(testing::RunShell("mkdir -p " + dir_), 0);
  }
  void TearDown() override { testing::RunShell("rm -rf " + dir_); }

  std::string Env() const {
    return "DATABASE_URL='" + db_->url() + "' " + testing::kUserKeySecret + " ";
  }
  int Run(const std::string& args, std::string* output) {
    return testing::RunRecsys(db_->url(), args, output, testing::kUserKeySecret);
  }
  std::string Count() {
    auto conn = db_->Connect();
    return QueryOne(conn, "SELECT count(*) FROM interaction_events");
  }

  // A gzip file of `events` JSON Lines events with distinct event ids.
  std::string WriteGzipEvents(int events) {
    const std::string path = dir_ + "/events.jsonl.gz";
    gzFile out = gzopen(path.c_str(), "wb1");
    for (int i = 0; i < events; ++i) {
      gzprintf(out,
               "{\"event_id\": \"evt-%09d\", \"occurred_at\": \"2026-11-%02dT10:%02d:00Z\", "
               "\"user_id\": \"customer-%06d\", \"event_type\": \"view\", \"item_id\": "
               "\"item-%05d\", \"meta\": {\"campaign\": \"autumn-sale-newsletter\"}}\n",
               i, 1 + i % 27, i % 60, i % 50000, i % 9973);
    }
    gzclose(out);
    return path;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::string dir_;
};

TEST_F(ImportTest, CsvBadLinesAreReportedByNumberAndSkipped) {
  const std::string path = dir_ + "/orders.csv";
  std::ofstream(path) << "InvoiceLine,CustomerID,StockCode,When,Qty\n"
                         "L1,C1,A,2026-11-01T10:00:00Z,1\n"
                         "L2,C1,B,2026-11-01T10:01:00Z,many\n"      // wrong type
                         "L3,C2,\"broken,2026-11-01T10:00:00Z,1\n"  // broken quoting
                         "L4,C2,\xff\xfe,2026-11-01T10:00:00Z,1\n"  // invalid UTF-8
                         "L5,C3\n"                                  // missing columns
                         "\"L6\",\"C3\",\"A, large\",2026-11-01T11:00:00Z,2\n";
  const std::string args = "import events --tenant shop " + path +
                           " --map event_id=InvoiceLine,user_id=CustomerID,item_id=StockCode,"
                           "occurred_at=When,value=Qty --set event_type=purchase";
  std::string out;
  ASSERT_EQ(Run(args, &out), 0) << out;
  EXPECT_NE(out.find(path + ":3: INVALID_VALUE"), std::string::npos) << out;
  EXPECT_NE(out.find(path + ":4: INVALID_CSV"), std::string::npos) << out;
  EXPECT_NE(out.find(path + ":5: INVALID_UTF8"), std::string::npos) << out;
  EXPECT_NE(out.find(path + ":6: INVALID_CSV"), std::string::npos) << out;
  EXPECT_NE(out.find("2 written, 0 duplicates, 4 bad lines skipped"), std::string::npos) << out;
  EXPECT_EQ(Count(), "2");

  ASSERT_EQ(Run(args, &out), 0) << out;
  EXPECT_NE(out.find("0 written, 2 duplicates"), std::string::npos) << out;
  EXPECT_EQ(Count(), "2");

  ASSERT_EQ(Run(args + " --max-errors 2", &out), 1) << out;
  EXPECT_NE(out.find("--max-errors"), std::string::npos) << out;
}

TEST_F(ImportTest, WithoutAConfiguredSecretServeInstancesAndImportHashUsersAlike) {
  // No RECSYS_USER_KEY_SECRET anywhere: every process uses the one the database keeps.
  const std::map<std::string, std::string> no_secret = {{"RECSYS_USER_KEY_SECRET", ""}};
  auto event = [](const std::string& id) {
    return R"({"events": [{"event_id": ")" + id +
           R"(", "occurred_at": "2026-11-01T10:00:00Z", "user_id": "u1", "event_type": "view", )"
           R"("item_id": "a"}]})";
  };
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"X-Dev-User-Id", "tester"}, {"X-Dev-Org-Id", "shop"}, {"Content-Type", "application/json"}};
  {
    testing::ServeProcess first(db_->url(), no_secret);
    ASSERT_EQ(first.Post("/v1/events", event("e-first"), headers).status, 202);
  }
  {
    testing::ServeProcess restarted(db_->url(), no_secret);
    testing::ServeProcess second(db_->url(), no_secret);
    ASSERT_EQ(restarted.Post("/v1/events", event("e-restarted"), headers).status, 202);
    ASSERT_EQ(second.Post("/v1/events", event("e-second"), headers).status, 202);
  }
  std::ofstream(dir_ + "/u1.jsonl") << R"({"event_id": "e-import", "occurred_at": )"
                                       R"("2026-11-01T11:00:00Z", "user_id": "u1", )"
                                       R"("event_type": "view", "item_id": "b"})"
                                    << "\n";
  std::string out;
  ASSERT_EQ(
      testing::RunRecsys(db_->url(), "import events --tenant shop " + dir_ + "/u1.jsonl", &out), 0)
      << out;
  auto conn = db_->Connect();
  EXPECT_EQ(QueryOne(conn,
                     "SELECT count(*) || ' events, ' || count(DISTINCT user_key) || "
                     "' user key' FROM interaction_events"),
            "4 events, 1 user key");
  // RECSYS_USER_KEY_SECRET still overrides the stored secret.
  std::ofstream(dir_ + "/override.jsonl") << R"({"event_id": "e-override", "occurred_at": )"
                                             R"("2026-11-01T12:00:00Z", "user_id": "u1", )"
                                             R"("event_type": "view", "item_id": "c"})"
                                          << "\n";
  ASSERT_EQ(Run("import events --tenant shop " + dir_ + "/override.jsonl", &out), 0) << out;
  EXPECT_EQ(QueryOne(conn, "SELECT count(DISTINCT user_key) FROM interaction_events"), "2");
}

TEST_F(ImportTest, GzipJsonLinesFromStdinAndCatalog) {
  std::string out;
  ASSERT_EQ(testing::RunShell(
                "printf '%s\\n%s\\n' '{\"occurred_at\": \"2026-11-01T10:00:00Z\", \"user_id\": "
                "\"u\", \"event_type\": \"click\", \"item_id\": \"a\"}' 'not json' | gzip > " +
                dir_ + "/in.gz"),
            0);
  ASSERT_EQ(Run("import events --tenant shop --format jsonl - < " + dir_ + "/in.gz", &out), 0)
      << out;
  EXPECT_NE(out.find("-:2: INVALID_JSON"), std::string::npos) << out;
  EXPECT_EQ(Count(), "1");

  std::ofstream(dir_ + "/items.csv") << "sku,tags,available\nA,brand:x|category:y,true\nB,,false\n";
  ASSERT_EQ(Run("import catalog --tenant shop " + dir_ + "/items.csv --map item_id=sku", &out), 0)
      << out;
  auto conn = db_->Connect();
  EXPECT_EQ(QueryOne(conn,
                     "SELECT string_agg(item_id || ':' || array_to_string(tags, '|') || ':' "
                     "|| available, ' ' ORDER BY item_id) FROM item_tags"),
            "A:brand:x|category:y:true B::false");
  EXPECT_EQ(Run("import events --tenant nobody " + dir_ + "/items.csv", &out), 2) << out;
  EXPECT_EQ(Run("import events --tenant shop " + dir_ + "/missing.csv", &out), 1) << out;
}

TEST_F(ImportTest, AKilledImportRunAgainAddsEachEventOnceInConstantMemory) {
  constexpr int kEvents = 400000;  // ~80 MB of JSON, far above the memory the import may use
  const std::string path = WriteGzipEvents(kEvents);
  const std::string command = Env() + "exec " + RECSYS_BINARY + " import events --tenant shop " +
                              path + " > /dev/null 2>&1";

  // First run: killed once some batches are committed.
  pid_t first = fork();
  if (first == 0) {
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_TRUE(testing::WaitFor([&] { return Count() != "0"; }, std::chrono::seconds(30)));
  kill(first, SIGKILL);
  waitpid(first, nullptr, 0);
  const long partial = std::stol(Count());
  EXPECT_GT(partial, 0);

  // Second run: completes; its peak memory is measured.
  pid_t second = fork();
  if (second == 0) {
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  ASSERT_EQ(wait4(second, &status, 0, &usage), second);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(Count(), std::to_string(kEvents));
  const long peak_mib = usage.ru_maxrss / 1024;
  std::printf("import of %d events: peak RSS %ld MiB (first run killed after %ld rows)\n", kEvents,
              peak_mib, partial);
  EXPECT_LT(peak_mib, 64);
}

}  // namespace
}  // namespace recsys
