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
         {std::pair{"shop", TenantStatus::kActive}, std::pair{"gone", TenantStatus::kSuspended}}) {
      auto tenant = std::make_shared<TenantState>();
      tenant->id = std::string("uuid-") + external;
      tenant->external_id = external;
      tenant->status = status;
      state->tenants.emplace(external, tenant);
    }
    holder_.Publish(state);
  }

  static std::string Batch(const std::string& events) { return R"({"events": [)" + events + "]}"; }

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

}  // namespace
}  // namespace recsys::service
