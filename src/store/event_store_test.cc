#include "store/event_store.h"

#include <gtest/gtest.h>

#include <thread>

#include "crypto/digest.h"
#include "testing/test_db.h"

namespace recsys::store {
namespace {

using testing::QueryOne;

class EventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("event_store");
    auto conn = db_->Connect();
    tenant_ = QueryOne(conn,
                       "INSERT INTO tenants (external_id, name) VALUES ('shop', 'Shop') "
                       "RETURNING id");
    ASSERT_FALSE(tenant_.empty());
  }

  static Event MakeEvent(std::string id, std::string item, std::string when) {
    Event e;
    e.event_id = std::move(id);
    e.item_id = std::move(item);
    e.occurred_at = *ParseRfc3339(when);
    e.user_id = "u1";
    e.type = EventType::kAddToCart;
    e.session_id = "s\t1";  // needs COPY escaping
    e.meta_json = R"({"note": "back\\slash"})";
    e.value = 12.5;
    return e;
  }

  Result<service::AppendCounts> Append(PgEventStore& store, const std::vector<Event>& events) {
    std::vector<service::StoredEvent> stored;
    for (const Event& e : events) stored.push_back({&e, crypto::HmacSha256("k", e.user_id)});
    return store.Append(tenant_, stored);
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::string tenant_;
};

TEST_F(EventStoreTest, WritesRowsAndMarksTheirDaysDirty) {
  PgEventStore store(db_->url());
  auto counts = Append(store, {MakeEvent("a", "x", "2026-11-01T10:00:00Z"),
                               MakeEvent("", "y", "2026-11-02T10:00:00Z")});
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts.value().accepted, 2);
  auto conn = db_->Connect();
  EXPECT_EQ(
      QueryOne(conn,
               "SELECT string_agg(item_id || ' ' || event_type || ' ' || session_id || ' ' "
               "|| value || ' ' || (meta->>'note') || ' ' || length(user_key), ',' "
               "ORDER BY item_id) FROM interaction_events"),
      "x add_to_cart s\t1 12.500000 back\\slash 32,y add_to_cart s\t1 12.500000 back\\slash 32");
  EXPECT_EQ(QueryOne(conn, "SELECT string_agg(day::text, ',' ORDER BY day) FROM signal_dirty_days"),
            "2026-11-01,2026-11-02");
}

TEST_F(EventStoreTest, ARetriedBatchAddsNothing) {
  PgEventStore store(db_->url());
  const std::vector<Event> batch = {MakeEvent("a", "x", "2026-11-01T10:00:00Z"),
                                    MakeEvent("b", "y", "2026-11-01T11:00:00Z")};
  ASSERT_TRUE(Append(store, batch).ok());
  auto retry = Append(store, batch);
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry.value().accepted, 0);
  EXPECT_EQ(retry.value().duplicates, 2);
  auto conn = db_->Connect();
  EXPECT_EQ(QueryOne(conn, "SELECT count(*) FROM interaction_events"), "2");
}

TEST_F(EventStoreTest, ConcurrentRetriesOfOneBatchWriteItOnce) {
  std::vector<Event> batch;
  for (int i = 0; i < 500; ++i) {
    batch.push_back(
        MakeEvent(std::string("e") + std::to_string(i), "item", "2026-11-01T10:00:00Z"));
  }
  PgEventStore store(db_->url());
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0}, duplicates{0}, failures{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      auto counts = Append(store, batch);
      if (!counts.ok()) {
        ++failures;
        return;
      }
      accepted += counts.value().accepted;
      duplicates += counts.value().duplicates;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(accepted.load(), 500);
  EXPECT_EQ(duplicates.load(), 5 * 500);
  auto conn = db_->Connect();
  EXPECT_EQ(QueryOne(conn, "SELECT count(*) FROM interaction_events"), "500");
}

TEST_F(EventStoreTest, TheSameEventIdOfAnotherTenantIsNotADuplicate) {
  PgEventStore store(db_->url());
  ASSERT_TRUE(Append(store, {MakeEvent("a", "x", "2026-11-01T10:00:00Z")}).ok());
  auto conn = db_->Connect();
  tenant_ =
      QueryOne(conn, "INSERT INTO tenants (external_id, name) VALUES ('other', 'O') RETURNING id");
  auto counts = Append(store, {MakeEvent("a", "x", "2026-11-01T10:00:00Z")});
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts.value().accepted, 1);
}

TEST_F(EventStoreTest, AnUnreachableDatabaseIsUnavailable) {
  PgEventStore store("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1");
  EXPECT_EQ(Append(store, {MakeEvent("a", "x", "2026-11-01T10:00:00Z")}).status().code(),
            StatusCode::kUnavailable);
}

TEST(ArrayLiteralTest, QuotesAndEscapes) {
  EXPECT_EQ(ArrayLiteral({"a", "b\"c", "d\\e", "", "NULL"}), R"({"a","b\"c","d\\e","","NULL"})");
}

}  // namespace
}  // namespace recsys::store
