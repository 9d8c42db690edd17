// Data in end to end: POST /v1/events and the catalog against a real `serve` process and
// PostgreSQL (the demo tenant).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/time.h"
#include "store/pg.h"
#include "testing/http_client.h"
#include "testing/numbered.h"
#include "testing/serve_process.h"
#include "testing/served_demo_suite.h"
#include "testing/test_db.h"

namespace recsys {
namespace {

using testing::Numbered;

using namespace std::chrono_literals;
using testing::HttpResult;
using testing::QueryOne;
using testing::WaitFor;

class DataInTest : public testing::ServedDemoSuite {
 protected:
  static void SetUpTestSuite() {
    StartSuite("data_in", {{"RECSYS_SIGNAL_BUILD_INTERVAL_MS", "300"}});
  }

  static std::string Event(const std::string& id, const std::string& item,
                           const std::string& user = "alice") {
    return R"({"event_id": ")" + id + R"(", "occurred_at": "2026-11-01T10:00:00Z", "user_id": ")" +
           user + R"(", "event_type": "purchase", "item_id": ")" + item + R"("})";
  }

  // The item ids /v1/recommend returns for the demo tenant.
  static std::vector<std::string> Recommended(int k = 10) {
    HttpResult r =
        serve_->Post("/v1/recommend", R"({"surface": "home", "k": )" + std::to_string(k) +
                                          R"(, "user": {"user_id": "u1"}})");
    std::vector<std::string> ids;
    if (r.status != 200) return ids;
    auto doc = testing::ParseJson(r.body);
    for (const auto& item : doc["items"].GetArray()) ids.emplace_back(item["item_id"].GetString());
    return ids;
  }

  static bool Contains(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }
};

TEST_F(DataInTest, EventsAreAcceptedRejectedByIndexAndIdempotent) {
  const std::string body = R"({"events": [)" + Event("ev-1", "item-0001") + "," +
                           R"({"event_id": "ev-2", "occurred_at": "2026-11-01T10:00:00Z",
                               "user_id": "alice", "event_type": "teleport", "item_id": "x"})" +
                           "," + Event("ev-3", "item-0002") + "]}";
  HttpResult r = serve_->Post("/v1/events", body);
  ASSERT_EQ(r.status, 202) << r.body;
  auto doc = testing::ParseJson(r.body);
  EXPECT_EQ(doc["accepted"].GetInt(), 2);
  EXPECT_EQ(doc["duplicates"].GetInt(), 0);
  ASSERT_EQ(doc["rejected"].Size(), 1u);
  EXPECT_EQ(doc["rejected"][0]["index"].GetInt(), 1);
  EXPECT_STREQ(doc["rejected"][0]["code"].GetString(), "INVALID_EVENT_TYPE");

  HttpResult retry = serve_->Post("/v1/events", body);
  ASSERT_EQ(retry.status, 202) << retry.body;
  auto again = testing::ParseJson(retry.body);
  EXPECT_EQ(again["accepted"].GetInt(), 0);
  EXPECT_EQ(again["duplicates"].GetInt(), 2);

  auto conn = db_->Connect();
  EXPECT_EQ(QueryOne(conn,
                     "SELECT count(*) FROM interaction_events WHERE item_id IN "
                     "('item-0001', 'item-0002')"),
            "2");
  // /metrics counts them.
  const std::string metrics = testing::HttpCall(serve_->port(), "GET", "/metrics").body;
  auto metric = [&](const std::string& name) {
    const size_t at = metrics.find("\n" + name + " ");
    return at == std::string::npos ? -1.0 : std::stod(metrics.substr(at + name.size() + 2));
  };
  EXPECT_GE(metric("recsys_events_accepted_total"), 2);
  EXPECT_GE(metric("recsys_events_duplicates_total"), 2);
  EXPECT_GE(metric("recsys_events_rejected_total"), 2);
  // Only the keyed hash is stored: no column holds the raw user id.
  EXPECT_EQ(QueryOne(conn,
                     "SELECT count(*) FROM interaction_events i WHERE "
                     "i::text LIKE '%alice%'"),
            "0");
}

TEST_F(DataInTest, BadBatchesGetProblems) {
  EXPECT_EQ(serve_->Post("/v1/events", "{not json").status, 400);
  EXPECT_EQ(serve_->Post("/v1/events", R"({"items": []})").status, 400);
  std::string many = R"({"events": [)";
  for (int i = 0; i < 1001; ++i) {
    if (i > 0) many += ",";
    many += Event(Numbered("m", i), "x");
  }
  many += "]}";
  HttpResult too_many = serve_->Post("/v1/events", many);
  EXPECT_EQ(too_many.status, 413);
  EXPECT_NE(too_many.body.find("RECSYS_PAYLOAD_TOO_LARGE"), std::string::npos);
  HttpResult other = serve_->Post(
      "/v1/events", R"({"events": [)" + Event("o", "x") + "]}",
      {{"X-Dev-User-Id", "t"}, {"X-Dev-Org-Id", "nobody"}, {"Content-Type", "application/json"}});
  EXPECT_EQ(other.status, 403);
  HttpResult unauthenticated = serve_->Post("/v1/events", R"({"events": []})", {});
  EXPECT_EQ(unauthenticated.status, 401);
}

TEST_F(DataInTest, AnUnavailableItemLeavesEveryResponseWithinASecondAndComesBack) {
  const std::vector<std::string> before = Recommended();
  ASSERT_FALSE(before.empty());
  const std::string top = before[0];
  HttpResult put = serve_->Post(
      "/v1/catalog/items", R"({"items": [{"item_id": ")" + top +
                               R"(", "tags": ["brand:b1"], "available": false}, {"tags": 1}]})");
  // ServeProcess::Post sends POST; the catalog takes PUT.
  EXPECT_EQ(put.status, 405);
  HttpResult r = testing::HttpCall(
      serve_->port(), "PUT", "/v1/catalog/items",
      {{"X-Dev-User-Id", "ops"}, {"X-Dev-Org-Id", "demo"}, {"Content-Type", "application/json"}},
      R"({"items": [{"item_id": ")" + top +
          R"(", "tags": ["brand:b1"], "available": false},
                                       {"tags": 1}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = testing::ParseJson(r.body);
  EXPECT_EQ(doc["upserted"].GetInt(), 1);
  EXPECT_EQ(doc["rejected"].Size(), 1u);
  const auto put_at = std::chrono::steady_clock::now();
  EXPECT_TRUE(WaitFor([&] { return !Contains(Recommended(), top); }, 3s));
  EXPECT_LT(std::chrono::steady_clock::now() - put_at, 1s);
  // Not even a pin brings it back.
  auto conn = db_->Connect();
  EXPECT_EQ(QueryOne(conn,
                     "SELECT count(*) FROM audit_log WHERE action = 'catalog.upsert' AND "
                     "extra->>'upserted' = '1' AND extra->>'rejected' = '1'"),
            "1");

  r = testing::HttpCall(
      serve_->port(), "PUT", "/v1/catalog/items",
      {{"X-Dev-User-Id", "ops"}, {"X-Dev-Org-Id", "demo"}, {"Content-Type", "application/json"}},
      R"({"items": [{"item_id": ")" + top + R"(", "tags": ["brand:b1"]}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(WaitFor([&] { return Contains(Recommended(), top); }, 3s));
}

TEST_F(DataInTest, ADeletedItemIsNeverServedButKeepsItsSignals) {
  const std::vector<std::string> before = Recommended(20);
  ASSERT_GE(before.size(), 3u);
  const std::string victim = before[2];
  HttpResult r = testing::HttpCall(serve_->port(), "DELETE", "/v1/catalog/items/" + victim,
                                   {{"X-Dev-User-Id", "ops"}, {"X-Dev-Org-Id", "demo"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(WaitFor([&] { return !Contains(Recommended(20), victim); }, 3s));
  auto conn = db_->Connect();
  EXPECT_EQ(QueryOne(conn,
                     "SELECT available::text || ' ' || cardinality(tags) FROM item_tags "
                     "WHERE item_id = $1",
                     {victim}),
            "false 0");
  EXPECT_NE(
      QueryOne(conn, "SELECT count(*) FROM item_popularity_daily WHERE item_id = $1", {victim}),
      "0");
  HttpResult bad = testing::HttpCall(serve_->port(), "DELETE", "/v1/catalog/items/x?namespace=",
                                     {{"X-Dev-User-Id", "ops"}, {"X-Dev-Org-Id", "demo"}});
  EXPECT_EQ(bad.status, 200);  // an empty namespace means the default one
}

TEST_F(DataInTest, AmbiguousAndUnstorableInputIsRefusedWith400) {
  const std::vector<std::pair<std::string, std::string>> dev = {
      {"X-Dev-User-Id", "t"}, {"X-Dev-Org-Id", "demo"}, {"Content-Type", "application/json"}};
  auto post = [&](const std::string& path, const std::string& body) {
    return serve_->Post(path, body, dev);
  };
  HttpResult duplicate =
      post("/v1/recommend", R"({"surface": "home", "surface": "pdp", "user": {"user_id": "u"}})");
  EXPECT_EQ(duplicate.status, 400) << duplicate.body;
  EXPECT_NE(duplicate.body.find("duplicate member"), std::string::npos);
  HttpResult surrogate =
      post("/v1/recommend", R"({"surface": "\udc00", "user": {"user_id": "u"}})");
  EXPECT_EQ(surrogate.status, 400) << surrogate.body;
  EXPECT_EQ(post("/v1/events", R"({"events": [{"item_id": "\ud800"}]})").status, 400);

  std::vector<std::pair<std::string, std::string>> two_orgs = dev;
  two_orgs.push_back({"X-Org-Id", "demo"});
  two_orgs.push_back({"X-Org-Id", "other"});
  EXPECT_EQ(
      serve_->Post("/v1/recommend", R"({"surface": "home", "user": {"user_id": "u"}})", two_orgs)
          .status,
      400);

  std::string deep = R"({"weights": {"pop": 1}, "x": )";
  for (int i = 0; i < 5000; ++i) deep += R"({"a":)";
  deep += "1";
  for (int i = 0; i < 5000; ++i) deep += "}";
  deep += "}";
  HttpResult stored =
      testing::HttpCall(serve_->port(), "PUT", "/v1/admin/tenants/demo/config", dev, deep);
  EXPECT_EQ(stored.status, 400) << stored.body.substr(0, 300);
  auto conn = db_->Connect();
  EXPECT_EQ(QueryOne(conn, "SELECT count(*) FROM tenant_config_versions WHERE config ? 'x'"), "0");
  EXPECT_EQ(testing::HttpCall(serve_->port(), "GET", "/healthz").status, 200);
}

// The raw popularity of `item` as /v1/recommend explains it (0 when not returned).
double RawPopularity(testing::ServeProcess& serve, const std::string& item) {
  HttpResult r =
      serve.Post("/v1/recommend", R"({"surface": "home", "k": 1, "user": {"user_id": "p"},
      "candidates": {"include_ids": [")" +
                                      item + R"("]}, "options": {"explain": "full"}})");
  if (r.status != 200) return -1;
  auto doc = testing::ParseJson(r.body);
  if (doc["items"].Empty()) return 0;
  return doc["items"][0]["explain"]["raw"]["pop"].GetDouble();
}

TEST_F(DataInTest, AcceptedEventsShapeTheNextRequestOnEveryInstanceAndBecomeSignals) {
  testing::ServeProcess other(db_->url(), {{"RECSYS_SIGNAL_BUILD_ENABLED", "false"}});
  const std::string body = R"({"surface": "home", "k": 1, "user": {"user_id": "zed"},
                               "weights": {"pop": 0, "hist": 1},
                               "options": {"include_reasons": true}})";
  auto first_item = [&] {
    HttpResult r = other.Post("/v1/recommend", body);
    auto doc = testing::ParseJson(r.body);
    return doc["items"].Empty() ? std::string()
                                : std::string(doc["items"][0]["item_id"].GetString());
  };
  ASSERT_NE(first_item(), "item-0250");
  const double popularity_before = RawPopularity(other, "item-0250");

  const std::string now = FormatRfc3339(NowUs());
  std::string events = R"({"events": [)";
  for (int i = 0; i < 40; ++i) {
    events += std::string(i ? "," : "") + R"({"occurred_at": ")" + now + R"(", "user_id": ")" +
              (i == 0 ? "zed" : "buyer" + std::to_string(i)) +
              R"(", "event_type": "purchase", "item_id": "item-0250"})";
  }
  events += "]}";
  HttpResult posted = serve_->Post("/v1/events", events);
  ASSERT_EQ(posted.status, 202) << posted.body;
  const auto accepted_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitFor([&] { return first_item() == "item-0250"; }, 3s))
      << other.Post("/v1/recommend", body).body;
  EXPECT_LT(std::chrono::steady_clock::now() - accepted_at, 1s);

  // The schedule on the first instance builds today's signals; the second reloads on NOTIFY.
  // 40 purchases weigh 200; the build replaces the demo's seeded row for today (a few points).
  EXPECT_TRUE(
      WaitFor([&] { return RawPopularity(other, "item-0250") >= popularity_before + 150; }, 10s))
      << RawPopularity(other, "item-0250") << " vs " << popularity_before;
}

}  // namespace
}  // namespace recsys
