#include "service/ingest_service.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "crypto/digest.h"

namespace recsys::service {
namespace {

// EventStore in memory, with the same idempotency contract as the PostgreSQL one.
class MemoryEventStore : public EventStore {
 public:
  Result<AppendCounts> Append(const std::string& tenant_id,
                              std::span<const StoredEvent> events) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (fail_) return Status::Unavailable("database down");
    AppendCounts counts;
    for (const StoredEvent& e : events) {
      if (!e.event->event_id.empty() && !ids_.insert({tenant_id, e.event->event_id}).second) {
        ++counts.duplicates;
        continue;
      }
      rows_.push_back({tenant_id, e.event->item_id, e.user_key});
      ++counts.accepted;
    }
    return counts;
  }

  struct Row {
    std::string tenant, item, user_key;
  };
  std::mutex mu_;
  bool fail_ = false;
  std::set<std::pair<std::string, std::string>> ids_;
  std::vector<Row> rows_;
};

class IngestServiceTest : public ::testing::Test {
 protected:
  IngestServiceTest() : service_(holder_, store_, "user-key-secret") {
    auto state = std::make_shared<ServingState>();
    for (auto [external, status] :
         {std::pair{"shop", TenantStatus::kActive}, std::pair{"gone", TenantStatus::kSuspended},
          std::pair{"other", TenantStatus::kActive}, std::pair{"own", TenantStatus::kActive}}) {
      auto tenant = std::make_shared<TenantState>();
      tenant->id = std::string("uuid-") + external;
      tenant->external_id = external;
      tenant->status = status;
      if (std::string_view(external) == "own") tenant->config.events_rate = 1e6;
      state->tenants.emplace(external, tenant);
    }
    holder_.Publish(state);
  }

  static std::string Batch(const std::string& events) { return R"({"events": [)" + events + "]}"; }

  // `count` distinct valid events, ids from `first` on.
  static std::string Events(int first, int count) {
    std::string events;
    for (int i = first; i < first + count; ++i) {
      if (!events.empty()) events += ",";
      events += R"({"event_id": "e)" + std::to_string(i) +
                R"(", "occurred_at": "2026-11-01T10:00:00Z", "user_id": "u", "event_type": "view",
                   "item_id": "sku-1"})";
    }
    return Batch(events);
  }

  StateHolder holder_;
  MemoryEventStore store_;
  IngestService service_;
};

constexpr const char* kEvent =
    R"({"event_id": "e1", "occurred_at": "2026-11-01T10:00:00Z", "user_id": "alice",
        "event_type": "view", "item_id": "sku-1"})";

TEST_F(IngestServiceTest, StoresTheKeyedHashNeverTheRawUserId) {
  auto result = service_.Handle("shop", Batch(kEvent));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result.value().accepted, 1);
  ASSERT_EQ(store_.rows_.size(), 1u);
  EXPECT_EQ(store_.rows_[0].tenant, "uuid-shop");
  EXPECT_EQ(store_.rows_[0].user_key, crypto::HmacSha256("user-key-secret", "alice"));
}

TEST_F(IngestServiceTest, ARetriedBatchAddsNothing) {
  ASSERT_TRUE(service_.Handle("shop", Batch(kEvent)).ok());
  auto retry = service_.Handle("shop", Batch(kEvent));
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry.value().accepted, 0);
  EXPECT_EQ(retry.value().duplicates, 1);
  EXPECT_EQ(store_.rows_.size(), 1u);
}

TEST_F(IngestServiceTest, OneBadEventNeverFailsItsNeighbours) {
  auto result =
      service_.Handle("shop", Batch(std::string(kEvent) + R"(, {"occurred_at": "x", "user_id": "u",
                                               "event_type": "view", "item_id": "i"})"));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().accepted, 1);
  ASSERT_EQ(result.value().rejected.size(), 1u);
  EXPECT_EQ(result.value().rejected[0].index, 1);
}

TEST_F(IngestServiceTest, UnknownAndSuspendedTenantsAreRefusedAlike) {
  EXPECT_EQ(service_.Handle("gone", Batch(kEvent)).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(service_.Handle("nobody", Batch(kEvent)).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(store_.rows_.empty());
}

TEST_F(IngestServiceTest, ADatabaseFailureIsUnavailableNotAcceptance) {
  store_.fail_ = true;
  EXPECT_EQ(service_.Handle("shop", Batch(kEvent)).status().code(), StatusCode::kUnavailable);
}

// 100 events/s, bursts of 1000: a full batch empties the bucket, whoever sends it.
TEST_F(IngestServiceTest, TheEventRateLimitCountsEventsNotRequests) {
  IngestService limited(holder_, store_, "user-key-secret", {100, 1000});
  ASSERT_TRUE(limited.Handle("shop", Events(0, 600)).ok());
  ASSERT_TRUE(limited.Handle("shop", Events(600, 300)).ok());
  auto refused = limited.Handle("shop", Events(900, 500));
  ASSERT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.status().retry_after_s(), 4);  // 400 more events at 100/s
  EXPECT_EQ(store_.rows_.size(), 900u);            // nothing of the refused batch stored
  EXPECT_EQ(limited.counts().rate_limited, 500u);
  EXPECT_TRUE(limited.Handle("shop", Events(900, 50)).ok());  // what is left still passes
}

// A rate of one event per 100 s: nothing refills while a test runs, however slow the machine.
constexpr double kSlowRate = 0.01;

TEST_F(IngestServiceTest, EachTenantHasItsOwnEventBucketAndMayRaiseItsRate) {
  IngestService limited(holder_, store_, "user-key-secret", {kSlowRate, 1000});
  ASSERT_TRUE(limited.Handle("shop", Events(0, 1000)).ok());
  EXPECT_FALSE(limited.Handle("shop", Events(1000, 1)).ok());
  EXPECT_TRUE(limited.Handle("other", Events(2000, 1000)).ok());
  // "own" sets limits.events_rate: 1e6/s, so its bucket is back within a millisecond.
  for (int batch = 0; batch < 3; ++batch) {
    EXPECT_TRUE(limited.Handle("own", Events(3000 + batch * 1000, 1000)).ok()) << batch;
  }
}

TEST_F(IngestServiceTest, RejectedEventsCountTowardsTheLimitAndTheImporterIsNotLimited) {
  IngestService limited(holder_, store_, "user-key-secret", {kSlowRate, 1000});
  std::string bad;
  for (int i = 0; i < 1000; ++i) bad += std::string(bad.empty() ? "" : ",") + R"({"x": 1})";
  ASSERT_TRUE(limited.Handle("shop", Batch(bad)).ok());
  EXPECT_EQ(limited.Handle("shop", Events(0, 1)).status().code(), StatusCode::kResourceExhausted);
  std::vector<Event> events(5000);
  for (size_t i = 0; i < events.size(); ++i) {
    events[i].item_id = "sku";
    events[i].user_id = "u";
  }
  EXPECT_TRUE(limited.Append("uuid-shop", events).ok());
}

}  // namespace
}  // namespace recsys::service
