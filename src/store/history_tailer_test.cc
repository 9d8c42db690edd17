#include "store/history_tailer.h"

#include <gtest/gtest.h>

#include "core/signal_view.h"
#include "crypto/digest.h"
#include "store/event_store.h"
#include "store/signal_builder.h"
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

  void Append(const std::string& user, const std::string& item, EventType type,
              const std::string& surface = "default") {
    Event e;
    e.surface = surface;
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

TEST_F(HistoryTailerTest, AnEmptyLogWithUsedIdsStillCatchesALateCommit) {
  // Rows came and went: the log is empty, its ids far beyond 1.
  auto conn = db_->Connect();
  ASSERT_TRUE(conn.Query("SELECT setval(pg_get_serial_sequence('interaction_events', 'id'), "
                         "500000)")
                  .ok());
  HistoryTailer tailer(db_->url(), index_, state_, std::chrono::milliseconds(100), 365);
  ASSERT_TRUE(tailer.Step(conn).ok());
  auto slow = db_->Connect();
  ASSERT_TRUE(slow.Exec("BEGIN").ok());
  ASSERT_TRUE(slow.Query("INSERT INTO interaction_events (tenant_id, occurred_at, user_key, "
                         "event_type, item_id) VALUES ($1, now(), $2::bytea, 'view', 'late')",
                         {tenant_, "\\x" + crypto::ToHex(UserKey("dan"))})
                  .ok());
  Append("dan", "early", EventType::kView);
  ASSERT_TRUE(tailer.Step(conn).ok());
  ASSERT_TRUE(slow.Exec("COMMIT").ok());
  ASSERT_TRUE(tailer.Step(conn).ok());
  EXPECT_EQ(Items("dan").size(), 2u);
}

TEST_F(HistoryTailerTest, RunsOnItsOwnThread) {
  HistoryTailer tailer(db_->url(), index_, state_, std::chrono::milliseconds(50), 365);
  tailer.Start();
  ASSERT_TRUE(testing::WaitFor([&] { return tailer.warmed(); }, std::chrono::seconds(5)));
  Append("carol", "tea", EventType::kClick);
  EXPECT_TRUE(
      testing::WaitFor([&] { return Items("carol").size() == 1; }, std::chrono::seconds(2)));
}

// The live layers are fed by the same tail: a test of what they hold against the builder's rows.
class LiveTailTest : public HistoryTailerTest {
 protected:
  void Publish(double view_weight) {
    auto tenant = std::make_shared<service::TenantState>();
    tenant->id = tenant_;
    tenant->external_id = "shop";
    tenant->config.signals.event_weights[static_cast<int>(EventType::kView)] = view_weight;
    auto state = std::make_shared<service::ServingState>();
    state->tenants.emplace("shop", tenant);
    state->signals_loaded = true;
    state_.Publish(state);
  }

  // What the live layer of `ns` serves for `item`: popularity, and neighbour=score pairs.
  std::string Served(const std::string& item, const std::string& ns = "default") {
    auto layer = live_.Find(tenant_, ns);
    if (layer == nullptr) return "no layer";
    const auto read = layer->Read();
    const SignalView view(read.base(), &read);
    auto i = view.Find(item);
    if (!i) {
      return "unknown (folded " + std::to_string(layer->folded()) + ", closed " +
             std::to_string(layer->closed()) + ", refused " + std::to_string(layer->refused()) +
             ")";
    }
    std::string out = std::to_string(static_cast<int>(view.popularity(*i)));
    for (const auto& n : view.neighbours(*i)) {
      out += " " + std::string(view.item_id(n.item)) + "=" + std::to_string(int(n.score));
    }
    return out;
  }

  service::LiveRegistry live_{64 << 20};
};

TEST_F(LiveTailTest, FoldsTodaysRowsAtWarmUpThenEachPollsRows) {
  Publish(1);
  Append("alice", "A", EventType::kView);
  Append("alice", "B", EventType::kPurchase);
  HistoryTailer tailer(db_->url(), index_, state_, std::chrono::milliseconds(100), 365, &live_);
  auto conn = db_->Connect();
  ASSERT_TRUE(tailer.Step(conn).ok());    // the history warm-up
  const Status step = tailer.Step(conn);  // the live warm-up, then a poll
  ASSERT_TRUE(step.ok()) << step.message();
  EXPECT_EQ(Served("A"), "1 B=1");
  EXPECT_EQ(Served("B"), "5 A=1");

  Append("bob", "A", EventType::kClick);
  Append("bob", "C", EventType::kView, "checkout");
  ASSERT_TRUE(tailer.Step(conn).ok());
  EXPECT_EQ(Served("A"), "3 B=1");
  EXPECT_EQ(Served("C", "checkout"), "1");
}

TEST_F(LiveTailTest, HoldsWhatTheBuildersRowsForTheSameEventsGive) {
  Publish(1);
  for (const char* user : {"u1", "u2", "u3"}) {
    for (const char* item : {"A", "B", "C"}) Append(user, item, EventType::kView);
  }
  Append("u4", "A", EventType::kPurchase);
  Append("u4", "C", EventType::kAddToCart);
  HistoryTailer tailer(db_->url(), index_, state_, std::chrono::milliseconds(100), 365, &live_);
  auto conn = db_->Connect();
  ASSERT_TRUE(tailer.Step(conn).ok());
  ASSERT_TRUE(tailer.Step(conn).ok());
  SignalBuilder builder(db_->url());
  SignalBuildOptions options;
  options.full = true;
  ASSERT_TRUE(builder.Run(options).ok());
  for (const char* item : {"A", "B", "C"}) {
    std::string rows = QueryOne(conn,
                                "SELECT round(score)::int::text FROM item_popularity_daily "
                                "WHERE item_id = $1",
                                {item});
    const std::string neighbours = QueryOne(
        conn,
        "SELECT coalesce(string_agg(neighbor_id || '=' || round(score)::int, ' ' "
        "ORDER BY score DESC, neighbor_id), '') FROM item_covisit_daily WHERE item_id = $1",
        {item});
    if (!neighbours.empty()) rows += " " + neighbours;
    EXPECT_EQ(Served(item), rows) << item;
  }
}

TEST_F(LiveTailTest, NewEventWeightsFoldTheDayAgain) {
  Publish(1);
  Append("alice", "A", EventType::kView);
  HistoryTailer tailer(db_->url(), index_, state_, std::chrono::milliseconds(100), 365, &live_);
  auto conn = db_->Connect();
  ASSERT_TRUE(tailer.Step(conn).ok());
  ASSERT_TRUE(tailer.Step(conn).ok());
  EXPECT_EQ(Served("A"), "1");
  Publish(4);
  ASSERT_TRUE(tailer.Step(conn).ok());
  EXPECT_EQ(Served("A"), "4");
  Append("alice", "A", EventType::kView);
  ASSERT_TRUE(tailer.Step(conn).ok());
  EXPECT_EQ(Served("A"), "8");
}

}  // namespace
}  // namespace recsys::store
