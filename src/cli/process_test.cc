// The recsys-service binary as an operator runs it: exit codes, messages, /readyz.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <thread>

#include "store/migration.h"
#include "store/pg.h"
#include "testing/http_client.h"
#include "testing/serve_process.h"
#include "testing/test_db.h"

namespace recsys {
namespace {

using namespace std::chrono_literals;
using testing::RunShell;
using testing::TestDatabase;
using testing::WaitFor;

std::string Binary() { return RECSYS_BINARY; }

using testing::FreePort;

// GET http://127.0.0.1:port/path; returns the status code, or 0 when nothing answered.
int HttpGetStatus(int port, const std::string& path, std::string* body = nullptr) {
  testing::HttpResult r = testing::HttpCall(port, "GET", path);
  if (body) *body = r.body;
  return r.status;
}

TEST(ProcessTest, ServeRefusesAnUnmigratedDatabaseAndNamesTheFix) {
  auto db = TestDatabase::Create("serve_unmigrated", /*migrate=*/false);
  std::string output;
  int rc = RunShell("DATABASE_URL='" + db->url() + "' RECSYS_HTTP_ADDR=127.0.0.1:" +
                        std::to_string(FreePort()) + " " + Binary() + " serve",
                    &output);
  EXPECT_EQ(rc, 2) << output;
  EXPECT_NE(output.find("schema is behind"), std::string::npos) << output;
  EXPECT_NE(output.find("recsys-service migrate up"), std::string::npos) << output;
}

TEST(ProcessTest, ServeRejectsBadConfigurationNamingTheVariable) {
  std::string output;
  int rc = RunShell(
      "DATABASE_URL=postgresql://x@127.0.0.1/x RECSYS_HTTP_ADDR=nonsense " + Binary() + " serve",
      &output);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(output.find("RECSYS_HTTP_ADDR"), std::string::npos) << output;
  rc = RunShell("env -u DATABASE_URL " + Binary() + " serve", &output);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(output.find("DATABASE_URL"), std::string::npos) << output;
}

TEST(ProcessTest, TwoConcurrentMigrateUpsEndWithOneAppliedSet) {
  auto db = TestDatabase::Create("concurrent_migrate", /*migrate=*/false);
  const std::string env = "DATABASE_URL='" + db->url() + "' ";
  std::string output;
  int rc =
      RunShell("(" + env + Binary() + " migrate up > /tmp/recsys-mig-a.$$ 2>&1; echo a=$?) & (" +
                   env + Binary() +
                   " migrate up > /tmp/recsys-mig-b.$$ 2>&1; echo b=$?) & wait;"
                   " cat /tmp/recsys-mig-a.$$ /tmp/recsys-mig-b.$$; rm -f /tmp/recsys-mig-?.$$",
               &output);
  ASSERT_EQ(rc, 0);
  EXPECT_NE(output.find("a=0"), std::string::npos) << output;
  EXPECT_NE(output.find("b=0"), std::string::npos) << output;
  EXPECT_NE(output.find("nothing to apply"), std::string::npos) << output;
  store::PgConnection conn = db->Connect();
  auto rows = conn.Query("SELECT count(*), count(DISTINCT name) FROM schema_migrations");
  ASSERT_TRUE(rows.ok());
  const std::string n = std::to_string(store::EmbeddedMigrations().size());
  EXPECT_EQ(rows.value().Get(0, 0), n);
  EXPECT_EQ(rows.value().Get(0, 1), n);

  rc = RunShell(env + Binary() + " migrate status", &output);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(output.find("0 pending"), std::string::npos) << output;
}

TEST(ProcessTest, ReadyzFollowsTheDatabaseGoingAwayAndComingBack) {
  testing::PrivateCluster cluster;
  const std::string url = cluster.AdminUrl();
  std::string output;
  ASSERT_EQ(RunShell("DATABASE_URL='" + url + "' " + Binary() + " migrate up", &output), 0)
      << output;

  testing::ServeProcess serve(url, {}, /*wait_ready=*/false);
  const int port = serve.port();
  ASSERT_TRUE(WaitFor([&] { return HttpGetStatus(port, "/readyz") == 200; }, 15s));
  EXPECT_EQ(HttpGetStatus(port, "/healthz"), 200);

  cluster.Stop();
  std::string body;
  ASSERT_TRUE(WaitFor([&] { return HttpGetStatus(port, "/readyz", &body) == 503; }, 15s));
  EXPECT_NE(body.find("RECSYS_UNAVAILABLE"), std::string::npos) << body;
  EXPECT_NE(body.find("\"probe\":\"database\""), std::string::npos) << body;
  EXPECT_EQ(HttpGetStatus(port, "/healthz"), 200);

  cluster.Start();
  EXPECT_TRUE(WaitFor([&] { return HttpGetStatus(port, "/readyz") == 200; }, 20s));

  EXPECT_EQ(serve.Terminate(), 0);
}

}  // namespace
}  // namespace recsys
