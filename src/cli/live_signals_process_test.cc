// Live signals end to end (architecture.md "Signals in two layers"): events accepted by one
// instance change what another serves within a second or two, with no builder run and no
// snapshot reload.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "core/time.h"
#include "testing/http_client.h"
#include "testing/serve_process.h"
#include "testing/test_db.h"

namespace recsys {
namespace {

using namespace std::chrono_literals;
using Serve = testing::ServeProcess;

std::map<std::string, std::string> InstanceEnv(const std::string& name) {
  const std::string suffix = name + "-" + std::to_string(getpid());
  return {{"RECSYS_WARM_START_DIR", "/tmp/recsys-live-warm-" + suffix},
          {"RECSYS_SPILL_DIR", "/tmp/recsys-live-spill-" + suffix},
          // The builder runs often: it must neither reload instances nor be needed for today.
          {"RECSYS_SIGNAL_BUILD_INTERVAL_MS", "300"}};
}

double Metric(const Serve& serve, const std::string& name) {
  const std::string metrics = testing::HttpCall(serve.port(), "GET", "/metrics").body;
  const size_t at = metrics.find("\n" + name + " ");
  return at == std::string::npos ? -1.0 : std::stod(metrics.substr(at + name.size() + 2));
}

// The ids /v1/recommend returns for `body`, space-separated, and whether it fell back.
std::string Recommend(Serve& serve, const std::string& body, bool* fell_back = nullptr) {
  testing::HttpResult result = serve.Post("/v1/recommend", body);
  if (result.status != 200) return "status " + std::to_string(result.status) + " " + result.body;
  auto doc = testing::ParseJson(result.body);
  std::string ids;
  for (const auto& item : doc["items"].GetArray()) {
    if (!ids.empty()) ids.push_back(' ');
    ids += item["item_id"].GetString();
  }
  if (fell_back != nullptr)
    *fell_back = result.body.find("FALLBACK_NAMESPACE") != std::string::npos;
  return ids;
}

std::string Purchases(const std::string& surface, const std::string& item, int count,
                      const std::string& user_prefix) {
  std::string body = R"({"events": [)";
  for (int i = 0; i < count; ++i) {
    if (i > 0) body += ",";
    body += R"({"user_id": ")" + user_prefix + std::to_string(i) +
            R"(", "event_type": "purchase", "occurred_at": ")" + FormatRfc3339(NowUs()) +
            R"(", "surface": ")" + surface + R"(", "item_id": ")" + item + R"("})";
  }
  return body + "]}";
}

class LiveSignalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::SeededDemoDatabase("live_signals");
    ASSERT_NE(db_, nullptr);
    first_ = std::make_unique<Serve>(db_->url(), InstanceEnv("a"));
    second_ = std::make_unique<Serve>(db_->url(), InstanceEnv("b"));
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Serve> first_, second_;
};

TEST_F(LiveSignalsTest, ABurstOnASurfaceWithNoSignalsIsServedByAnotherInstanceWithinTwoSeconds) {
  bool fell_back = false;
  const std::string request =
      R"({"surface": "flash-sale", "user": {"user_id": "shopper"}, "k": 2})";
  EXPECT_NE(Recommend(*second_, request, &fell_back), "");
  EXPECT_TRUE(fell_back);  // nothing on that surface yet: the default namespace serves

  const double age_before = Metric(*second_, "recsys_snapshot_age_seconds{tenant=\"demo\"}");
  ASSERT_EQ(first_->Post("/v1/events", Purchases("flash-sale", "deal-1", 8, "a")).status, 202);
  ASSERT_EQ(first_->Post("/v1/events", Purchases("flash-sale", "deal-2", 3, "b")).status, 202);
  const auto accepted = std::chrono::steady_clock::now();
  std::string served;
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        served = Recommend(*second_, request, &fell_back);
        return served == "deal-1 deal-2" && !fell_back;
      },
      5s))
      << served;
  const auto took = std::chrono::steady_clock::now() - accepted;
  EXPECT_LT(took, 2s) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                      << " ms";
  // The instance that took the events folds them from the same tail, on its own poll.
  EXPECT_TRUE(testing::WaitFor([&] { return Recommend(*first_, request) == "deal-1 deal-2"; }, 5s));
  // Both instances fold the same rows: their answers are the same, whichever took the events.
  for (const char* body : {R"({"surface": "home", "user": {"user_id": "x"}, "k": 30})",
                           R"({"surface": "home", "user": {"user_id": "x"}, "k": 10,
                               "anchors": {"item_ids": ["item-0001", "item-0002"]}})"}) {
    EXPECT_EQ(Recommend(*first_, body), Recommend(*second_, body)) << body;
  }
  // A restarted instance folds today's rows once at start and serves them again.
  second_.reset();
  second_ = std::make_unique<Serve>(db_->url(), InstanceEnv("b"));
  EXPECT_TRUE(testing::WaitFor(
      [&] { return Recommend(*second_, request, &fell_back) == "deal-1 deal-2" && !fell_back; },
      5s));
  EXPECT_GE(Metric(*second_, "recsys_live_events_folded_total"), 11);
  // No snapshot was reloaded for it: the demo tenant's snapshots only grew older.
  const double age_after = Metric(*second_, "recsys_snapshot_age_seconds{tenant=\"demo\"}");
  EXPECT_GE(age_after, age_before);
}

TEST_F(LiveSignalsTest, TodaysEventsMovePopularityAndCoVisitationOnEveryInstance) {
  // A long-tail demo item (about 220 of popularity against the top item's 21,000) bought 400
  // times today (2,000) enters the top 20 of the default namespace.
  const std::string top = R"({"surface": "home", "user": {"user_id": "shopper"}, "k": 20})";
  ASSERT_EQ(Recommend(*second_, top).find("item-0300"), std::string::npos);
  ASSERT_EQ(first_->Post("/v1/events", Purchases("default", "item-0300", 400, "p")).status, 202);
  std::string served;
  EXPECT_TRUE(testing::WaitFor(
      [&] { return (served = Recommend(*second_, top)).find("item-0300") != std::string::npos; },
      5s))
      << served;
  // A session that goes from one new item to another makes them neighbours.
  const std::string now = FormatRfc3339(NowUs());
  ASSERT_EQ(first_
                ->Post("/v1/events", R"({"events": [
      {"session_id": "s-1", "user_id": "v1", "event_type": "view", "item_id": "new-a",
       "occurred_at": ")" + now + R"("},
      {"session_id": "s-1", "user_id": "v1", "event_type": "view", "item_id": "new-b",
       "occurred_at": ")" + now + R"("}]})")
                .status,
            202);
  const std::string similar =
      R"({"surface": "home", "user": {"user_id": "shopper"}, "item_id": "new-a", "k": 1})";
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        testing::HttpResult r = second_->Post("/v1/similar", similar);
        return r.status == 200 && r.body.find("\"new-b\"") != std::string::npos;
      },
      5s));
}

}  // namespace
}  // namespace recsys
