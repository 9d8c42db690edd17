// POST /v1/events and the catalog routes through the router, with the real use cases on an
// in-memory state, stores that record what they are given, and an authenticator that answers
// what the test says.
#include "http/data_routes.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "http/router.h"

namespace recsys::http {
namespace {

class FixedAuthenticator : public Authenticator {
 public:
  Result<Caller> Authenticate(const HttpRequest&) const override { return answer; }
  Result<Caller> answer = Caller{"tester", "user", "shop", {"operator"}};
};

class RecordingEventStore : public service::EventStore {
 public:
  Result<service::AppendCounts> Append(const std::string& tenant_id,
                                       std::span<const service::StoredEvent> events) override {
    if (!fail.ok()) return fail;
    for (const service::StoredEvent& e : events)
      items.push_back(tenant_id + "/" + e.event->item_id);
    return service::AppendCounts{static_cast<int>(events.size()), 0};
  }
  Status fail;
  std::vector<std::string> items;
};

class RecordingCatalogStore : public service::CatalogStore {
 public:
  Status Upsert(const service::CatalogTenant& tenant, std::span<const CatalogItem> items, int,
                const service::Actor& actor) override {
    for (const CatalogItem& item : items) upserted.push_back(tenant.id + "/" + item.item_id);
    last_actor = actor;
    return fail;
  }
  Status Remove(const service::CatalogTenant& tenant, const std::string& ns,
                const std::string& item_id, const service::Actor& actor) override {
    removed.push_back(tenant.id + "/" + ns + "/" + item_id);
    last_actor = actor;
    return fail;
  }
  Status fail;
  std::vector<std::string> upserted, removed;
  service::Actor last_actor;
};

constexpr const char* kEvents =
    R"({"events": [{"event_id": "e1", "occurred_at": "2026-11-01T10:00:00Z", "user_id": "alice",
        "event_type": "view", "item_id": "sku-1"}, {"event_id": "e2", "event_type": "view"}]})";
constexpr const char* kItems = R"({"items": [{"item_id": "a"}, {"item_id": ""}]})";

class DataRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tenant = std::make_shared<service::TenantState>();
    tenant->id = "uuid-shop";
    tenant->external_id = "shop";
    auto state = std::make_shared<service::ServingState>();
    state->tenants["shop"] = tenant;
    holder_.Publish(state);
    AddDataRoutes(router_, auth_, ingest_, catalog_);
  }

  HttpResponse Call(std::string_view method, std::string_view path, std::string_view body = "",
                    std::string_view query = "", std::string_view content_type = "") {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.query = query;
    request.body = body;
    request.request_id = "7d0c5b3e-0000-4000-8000-000000000001";
    request.remote_ip = "10.1.2.3";
    request.headers.emplace_back("User-Agent", "shop-backend/2");
    if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
    return router_.Dispatch(request);
  }
  static rapidjson::Document Json(const HttpResponse& response) {
    rapidjson::Document doc;
    doc.Parse(response.body.c_str());
    return doc;
  }
  static std::string Code(const HttpResponse& response) {
    const rapidjson::Document doc = Json(response);
    return doc.IsObject() && doc.HasMember("code") ? doc["code"].GetString() : "";
  }

  service::StateHolder holder_;
  RecordingEventStore events_;
  RecordingCatalogStore catalog_store_;
  service::IngestService ingest_{holder_, events_, "user-key-secret"};
  service::CatalogService catalog_{holder_, catalog_store_};
  FixedAuthenticator auth_;
  Router router_;
};

TEST_F(DataRoutesTest, EventsAreAcceptedWithCountsAndRejectionsByIndex) {
  const HttpResponse r = Call("POST", "/v1/events", kEvents);
  ASSERT_EQ(r.status, 202) << r.body;
  const auto doc = Json(r);
  EXPECT_EQ(doc["accepted"].GetInt(), 1);
  EXPECT_EQ(doc["duplicates"].GetInt(), 0);
  ASSERT_EQ(doc["rejected"].Size(), 1u);
  EXPECT_EQ(doc["rejected"][0]["index"].GetInt(), 1);
  EXPECT_STRNE(doc["rejected"][0]["code"].GetString(), "");
  EXPECT_STRNE(doc["rejected"][0]["detail"].GetString(), "");
  EXPECT_EQ(events_.items, std::vector<std::string>{"uuid-shop/sku-1"});
}

TEST_F(DataRoutesTest, EventsNeedAJsonBodyAndAnAuthenticatedCallerOfTheTenant) {
  const HttpResponse text = Call("POST", "/v1/events", kEvents, "", "text/csv");
  EXPECT_EQ(text.status, 400);
  EXPECT_EQ(text.content_type, "application/problem+json");
  EXPECT_EQ(Code(text), "RECSYS_INVALID_REQUEST");
  EXPECT_EQ(Code(Call("POST", "/v1/events", "[]")), "RECSYS_INVALID_REQUEST");

  auth_.answer = Caller{"key:1", "api_key", "other", {"admin"}};
  const HttpResponse foreign = Call("POST", "/v1/events", kEvents);
  EXPECT_EQ(foreign.status, 403);  // a tenant this instance does not serve
  EXPECT_EQ(Code(foreign), "RECSYS_FORBIDDEN");

  auth_.answer = Status::Unauthenticated("missing or invalid credentials");
  const HttpResponse anonymous = Call("POST", "/v1/events", kEvents);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(Code(anonymous), "RECSYS_UNAUTHORIZED");
  EXPECT_TRUE(events_.items.empty());
}

TEST_F(DataRoutesTest, AnUnavailableEventStoreIs503) {
  events_.fail = Status::Unavailable("database down");
  const HttpResponse r = Call("POST", "/v1/events", kEvents);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(Code(r), "RECSYS_UNAVAILABLE");
}

TEST_F(DataRoutesTest, CatalogPutUpsertsValidItemsAsTheCaller) {
  const HttpResponse r = Call("PUT", "/v1/catalog/items", kItems, "", "application/json");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = Json(r);
  EXPECT_EQ(doc["upserted"].GetInt(), 1);
  ASSERT_EQ(doc["rejected"].Size(), 1u);
  EXPECT_EQ(doc["rejected"][0]["index"].GetInt(), 1);
  EXPECT_EQ(catalog_store_.upserted, std::vector<std::string>{"uuid-shop/a"});
  EXPECT_EQ(catalog_store_.last_actor.subject, "tester");
  EXPECT_EQ(catalog_store_.last_actor.type, "user");
  EXPECT_EQ(catalog_store_.last_actor.request_id, "7d0c5b3e-0000-4000-8000-000000000001");
  EXPECT_EQ(catalog_store_.last_actor.ip, "10.1.2.3");
  EXPECT_EQ(catalog_store_.last_actor.user_agent, "shop-backend/2");
}

TEST_F(DataRoutesTest, TheCatalogNeedsTheOperatorRole) {
  auth_.answer = Caller{"viewer", "user", "shop", {"viewer"}};
  const HttpResponse put = Call("PUT", "/v1/catalog/items", kItems);
  EXPECT_EQ(put.status, 403);
  EXPECT_EQ(Code(put), "RECSYS_FORBIDDEN");
  EXPECT_EQ(Call("DELETE", "/v1/catalog/items/a").status, 403);
  EXPECT_TRUE(catalog_store_.upserted.empty());
  EXPECT_TRUE(catalog_store_.removed.empty());

  auth_.answer = Caller{"admin", "user", "shop", {"admin"}};  // admin includes operator
  EXPECT_EQ(Call("PUT", "/v1/catalog/items", kItems).status, 200);
}

TEST_F(DataRoutesTest, CatalogDeleteRemovesFromTheDefaultOrNamedNamespace) {
  const HttpResponse r = Call("DELETE", "/v1/catalog/items/sku-9");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"item_id":"sku-9","namespace":"default","removed":true})");
  const HttpResponse named = Call("DELETE", "/v1/catalog/items/sku-9", "", "namespace=home");
  ASSERT_EQ(named.status, 200) << named.body;
  EXPECT_EQ(Json(named)["namespace"].GetString(), std::string("home"));
  EXPECT_EQ(catalog_store_.removed,
            (std::vector<std::string>{"uuid-shop/default/sku-9", "uuid-shop/home/sku-9"}));
}

TEST_F(DataRoutesTest, CatalogStoreFailuresAreProblems) {
  catalog_store_.fail = Status::Unavailable("database down");
  EXPECT_EQ(Code(Call("PUT", "/v1/catalog/items", kItems)), "RECSYS_UNAVAILABLE");
  EXPECT_EQ(Code(Call("DELETE", "/v1/catalog/items/a")), "RECSYS_UNAVAILABLE");
}

}  // namespace
}  // namespace recsys::http
