#include "testing/test_db.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "store/demo_seed.h"
#include "store/migrator.h"

namespace recsys::testing {
namespace {

std::string Replace(std::string url, std::string_view from_db, std::string_view to_db) {
  size_t slash = url.rfind('/');
  if (slash != std::string::npos && url.substr(slash + 1) == from_db) {
    url = url.substr(0, slash + 1) + std::string(to_db);
  }
  return url;
}

}  // namespace

std::string SharedClusterAdminUrl() {
  const char* dir = std::getenv("RECSYS_TEST_PG_DIR");
  if (dir == nullptr) {
    ADD_FAILURE() << "RECSYS_TEST_PG_DIR is not set: run the tests through ctest, whose `pg` "
                     "fixture starts the test cluster";
    return "";
  }
  std::ifstream in(std::string(dir) + "/url");
  std::string url;
  std::getline(in, url);
  if (url.empty()) ADD_FAILURE() << "no test cluster URL in " << dir << "/url";
  return url;
}

std::string QueryOne(store::PgConnection& conn, const std::string& sql,
                     const std::vector<store::PgParam>& params) {
  auto r = conn.Query(sql, params);
  EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  return r.ok() && r.value().rows() > 0 ? std::string(r.value().Get(0, 0)) : "";
}

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

int RunShell(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) text.append(buf, n);
  int status = pclose(pipe);
  if (output) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int RunRecsys(const std::string& database_url, const std::string& args, std::string* output,
              const std::string& env) {
  return RunShell("DATABASE_URL='" + database_url + "' " + env + " " + RECSYS_BINARY + " " + args,
                  output);
}

TestDatabase::TestDatabase(std::string admin_url, std::string name, std::string url)
    : admin_url_(std::move(admin_url)), name_(std::move(name)), url_(std::move(url)) {}

std::unique_ptr<TestDatabase> TestDatabase::Create(std::string_view suite, bool migrate) {
  static std::atomic<int> counter{0};
  std::string name = "t_";
  for (char c : suite) name += std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
  name = name.substr(0, 40) + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++);

  const std::string admin = SharedClusterAdminUrl();
  auto conn = store::PgConnection::Connect(admin);
  if (!conn.ok()) {
    ADD_FAILURE() << conn.status().ToString();
    return nullptr;
  }
  Status s = conn.value().Exec("CREATE DATABASE " + name);
  if (!s.ok()) {
    ADD_FAILURE() << s.ToString();
    return nullptr;
  }
  std::unique_ptr<TestDatabase> db(new TestDatabase(admin, name, Replace(admin, "postgres", name)));
  if (migrate) {
    store::PgConnection c = db->Connect();
    auto applied = store::Migrator(c, store::EmbeddedMigrations()).Up();
    if (!applied.ok()) ADD_FAILURE() << applied.status().ToString();
  }
  return db;
}

std::unique_ptr<TestDatabase> SeededDemoDatabase(std::string_view suite) {
  std::unique_ptr<TestDatabase> db = TestDatabase::Create(suite);
  if (db == nullptr) return nullptr;
  store::PgConnection conn = db->Connect();
  const Status seeded = store::SeedDemo(conn);
  if (seeded.ok()) return db;
  ADD_FAILURE() << "seeding the demo tenant: " << seeded.ToString();
  return nullptr;
}

TestDatabase::~TestDatabase() {
  auto conn = store::PgConnection::Connect(admin_url_);
  if (conn.ok()) (void)conn.value().Exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
}

store::PgConnection TestDatabase::Connect() const {
  auto conn = store::PgConnection::Connect(url_);
  if (!conn.ok()) {
    ADD_FAILURE() << conn.status().ToString();
    std::abort();
  }
  return std::move(conn).value();
}

std::string MakeTestDir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return "";
  }
  RunShell("chmod 755 " + tmpl);
  return tmpl;
}

PrivateCluster::PrivateCluster() {
  dir_ = MakeTestDir("recsys-test-pg");
  if (dir_.empty()) return;
  std::string out;
  RunShell(std::string(RECSYS_SOURCE_DIR) + "/scripts/pg-cluster free-port", &out);
  port_ = std::atoi(out.c_str());
  Start();
}

PrivateCluster::~PrivateCluster() {
  Stop();
  RunShell("rm -rf " + dir_);
}

void PrivateCluster::Start() {
  std::string out;
  int rc = RunShell(std::string(RECSYS_SOURCE_DIR) + "/scripts/pg-cluster start " + dir_ +
                        "/data " + std::to_string(port_) + " --fast",
                    &out);
  ASSERT_EQ(rc, 0) << out;
}

void PrivateCluster::Stop() {
  std::string out;
  int rc =
      RunShell(std::string(RECSYS_SOURCE_DIR) + "/scripts/pg-cluster stop " + dir_ + "/data", &out);
  EXPECT_EQ(rc, 0) << out;
}

std::string PrivateCluster::AdminUrl() const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
}

}  // namespace recsys::testing
