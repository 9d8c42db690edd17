#include "store/history_tailer.h"

#include <gtest/gtest.h>

#include "crypto/digest.h"
#include "store/event_store.h"
#include "testing/test_db.h"

namespace recsys::store {
namespace {

using testing::QueryOne;

class HistoryTailerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("history_tailer");
    auto conn = db_->Connect();
    tenant_ = QueryOne(conn,
                       "INSERT INTO tenants (external_id, name) VALUES ('shop', 'Shop') "
                       "RETURNING id");
  }

  void Append(const std::string& user, const std::string& item, EventType type) {
    Event e;
    e.user_id = user;
    e.session_id = "session-" + user;
    e.item_id = item;
    e.type = type;
    e.occurred_at = NowUs();
    service::StoredEvent stored{&e, UserKey(user)};
    PgEventStore store(db_->url());
    ASSERT_TRUE(store.Append(tenant_, {&stored, 1}).ok());
  }

  static std::string UserKey(const std::string& user) { return crypto::HmacSha256("k", user); }

  std::vector<std::string> Items(const std::string& user) {
    const std::string key = UserKey(user);
    std::vector<std::string> out;
    for (const HistoryItem& h : index_.Recent({tenant_, service::HistoryKeyKind::kUser, key}, 0)) {
      out.push_back(h.item_id);
    }
    return out;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::string tenant_;
  service::StateHolder state_;
  service::HistoryIndex index_{64 << 20};
};

TEST_F(HistoryTailerTest, WarmsFromTheLogThenTailsNewRows) {
  Append("alice", "milk", EventType::kPurchase);
  Append("alice", "impressed", EventType::kImpression);  // weight 0: not history
  HistoryTailer tailer(db_->url(), index_, state_, std::chrono::milliseconds(100), 365);
  auto conn = db_->Connect();
  ASSERT_TRUE(tailer.Step(conn).ok());
  EXPECT_TRUE(tailer.warmed());
  EXPECT_EQ(Items("alice"), (std::vector<std::string>{"milk"}));

  Append("alice", "bread", EventType::kView);
  ASSERT_TRUE(tailer.Step(conn).ok());
  const auto items = Items("alice");
  EXPECT_EQ(items.size(), 2u);
  EXPECT_NE(std::find(items.begin(), items.end(), "bread"), items.end());
  // Also indexed by session.
  EXPECT_EQ(index_.Recent({tenant_, service::HistoryKeyKind::kSession, "session-alice"}, 0).size(),
            2u);
}

TEST_F(HistoryTailerTest, ARowThatCommitsAfterAHigherIdIsNotMissed) {
  HistoryTailer tailer(db_->url(), index_, state_, std::chrono::milliseconds(100), 365);
  auto conn = db_->Connect();
  ASSERT_TRUE(tailer.Step(conn).ok());  // warm-up of an empty log

  // A transaction takes an id and stays open while a later one commits.
  auto slow = db_->Connect();
  ASSERT_TRUE(slow.Exec("BEGIN").ok());
  ASSERT_TRUE(slow.Query("INSERT INTO interaction_events (tenant_id, occurred_at, user_key, "
                         "event_type, item_id) VALUES ($1, now(), $2::bytea, 'view', 'late')",
                         {tenant_, "\\x" + crypto::ToHex(UserKey("bob"))})
                  .ok());
  Append("bob", "early", EventType::kView);
  ASSERT_TRUE(tailer.Step(conn).ok());
  EXPECT_EQ(Items("bob"), (std::vector<std::string>{"early"}));

  ASSERT_TRUE(slow.Exec("COMMIT").ok());
  ASSERT_TRUE(tailer.Step(conn).ok());
  const auto items = Items("bob");
  EXPECT_EQ(items.size(), 2u);
  EXPECT_NE(std::find(items.begin(), items.end(), "late"), items.end());
}

TEST_F(HistoryTailerTest, RunsOnItsOwnThread) {
  HistoryTailer tailer(db_->url(), index_, state_, std::chrono::milliseconds(50), 365);
  tailer.Start();
  ASSERT_TRUE(testing::WaitFor([&] { return tailer.warmed(); }, std::chrono::seconds(5)));
  Append("carol", "tea", EventType::kClick);
  EXPECT_TRUE(
      testing::WaitFor([&] { return Items("carol").size() == 1; }, std::chrono::seconds(2)));
}

}  // namespace
}  // namespace recsys::store
