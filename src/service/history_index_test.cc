#include "service/history_index.h"
#include "testing/heap_in_use.h"
#include "testing/numbered.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <thread>

namespace recsys::service {
namespace {

using testing::Numbered;

constexpr TimestampUs kDay = 86400LL * 1000000;
const TimestampUs kT0 = *ParseRfc3339("2026-11-01T00:00:00Z");

HistoryKey User(std::string_view key, std::string_view tenant = "t1") {
  return {tenant, HistoryKeyKind::kUser, key};
}

std::vector<std::string> Items(const std::vector<HistoryItem>& history) {
  std::vector<std::string> out;
  for (const HistoryItem& h : history) out.push_back(h.item_id);
  return out;
}

TEST(HistoryIndexTest, MostRecentFirstWithOwnNormalizedToTheLargest) {
  HistoryIndex index(1 << 20);
  index.Add(User("alice"), "milk", kT0, EventType::kPurchase, 5, 30, 50);
  index.Add(User("alice"), "milk", kT0 + kDay, EventType::kPurchase, 5, 30, 50);
  index.Add(User("alice"), "bread", kT0 + 2 * kDay, EventType::kView, 1, 30, 50);
  auto history = index.Recent(User("alice"), 0);
  ASSERT_EQ(Items(history), (std::vector<std::string>{"bread", "milk"}));
  EXPECT_DOUBLE_EQ(history[1].own, 1.0);
  // own(bread) / own(milk) = 1 / (5 · 2^(-2/30) + 5 · 2^(-1/30)).
  EXPECT_NEAR(history[0].own, 1 / (5 * std::exp2(-2.0 / 30) + 5 * std::exp2(-1.0 / 30)), 1e-9);
  EXPECT_EQ(history[0].type_mask, 1 << static_cast<int>(EventType::kView));
  EXPECT_EQ(history[1].last_at, kT0 + kDay);
}

// Occasions tell a return to an item (ranking.md "Repeat and explore") from several events of
// one visit; a clock going backwards starts none.
TEST(HistoryIndexTest, CountsVisitsToAnItemNotEvents) {
  HistoryIndex index(1 << 20);
  index.Add(User("u"), "milk", kT0, EventType::kView, 1, 30, 50);
  index.Add(User("u"), "milk", kT0 + 60LL * 1000000, EventType::kPurchase, 5, 30, 50);
  EXPECT_EQ(index.Recent(User("u"), 0)[0].occasions, 1);
  index.Add(User("u"), "milk", kT0 + 2 * kDay, EventType::kPurchase, 5, 30, 50);
  EXPECT_EQ(index.Recent(User("u"), 0)[0].occasions, 2);
  index.Add(User("u"), "milk", kT0 - 5 * kDay, EventType::kPurchase, 5, 30, 50);  // earlier
  EXPECT_EQ(index.Recent(User("u"), 0)[0].occasions, 2);
}

// Each item's rebuy prior comes from the tenant's kept users: each counts having an item and
// coming back to it, however often; a session's visits are its user's, counted once; another
// tenant's are its own; a user's occasions leave the counts with the item.
TEST(HistoryIndexTest, EachItemCarriesItsRebuyPriorFromTheTenantsUsers) {
  HistoryIndex index(1 << 20);
  auto buy = [&](const HistoryKey& who, const char* item, int day, int items_per_user = 50) {
    index.Add(who, item, kT0 + day * kDay, EventType::kPurchase, 5, 30, items_per_user);
  };
  auto rebuy_of = [&](const HistoryKey& who, const std::string& item) {
    for (const HistoryItem& h : index.Recent(who, 0)) {
      if (h.item_id == item) return h.rebuy;
    }
    ADD_FAILURE() << item << " not in the history";
    return 0.0;
  };
  for (int u = 0; u < 4; ++u) buy(User(Numbered("u", u)), "bread", 0);
  for (int u = 0; u < 2; ++u) {
    buy(User(Numbered("u", u)), "milk", 1);
    buy(User(Numbered("u", u)), "milk", 3);
  }
  const HistoryKey session{"t1", HistoryKeyKind::kSession, "s"};
  buy(session, "milk", 1);
  buy(session, "milk", 3);
  buy(User("u0", "t2"), "bread", 1);
  buy(User("u0", "t2"), "bread", 3);
  // A user coming back to milk again and again counts as one return.
  for (int day = 5; day < 50; ++day) buy(User("u0"), "milk", day);
  // Tenant t1: 8 occasions, 2 of them returns, both to milk.
  EXPECT_DOUBLE_EQ(rebuy_of(User("u1"), "milk"), RebuyPrior({4, 2}, {8, 2}));
  EXPECT_DOUBLE_EQ(rebuy_of(User("u1"), "bread"), RebuyPrior({4, 0}, {8, 2}));
  EXPECT_GT(rebuy_of(User("u1"), "milk"), 1);
  EXPECT_LT(rebuy_of(User("u1"), "bread"), 1);
  EXPECT_DOUBLE_EQ(rebuy_of(session, "milk"), rebuy_of(User("u1"), "milk"));
  EXPECT_EQ(rebuy_of(User("u0", "t2"), "bread"), 1);  // t2: every occasion is a return
  // u0 keeps two items: jam pushes bread out, tea milk.
  buy(User("u0"), "jam", 50, 2);
  buy(User("u0"), "tea", 51, 2);
  EXPECT_DOUBLE_EQ(rebuy_of(User("u1"), "milk"), RebuyPrior({2, 1}, {7, 1}));
}

TEST(HistoryIndexTest, TenantsKindsAndUsersAreSeparate) {
  HistoryIndex index(1 << 20);
  index.Add(User("alice", "t1"), "a", kT0, EventType::kView, 1, 30, 50);
  EXPECT_TRUE(index.Recent(User("alice", "t2"), 0).empty());
  EXPECT_TRUE(index.Recent(User("bob", "t1"), 0).empty());
  EXPECT_TRUE(index.Recent({"t1", HistoryKeyKind::kSession, "alice"}, 0).empty());
  EXPECT_EQ(index.Recent(User("alice", "t1"), 0).size(), 1u);
}

TEST(HistoryIndexTest, KeepsTheMostRecentItemsPerUserAndHonoursTheWindow) {
  HistoryIndex index(1 << 20);
  for (int i = 0; i < 10; ++i) {
    index.Add(User("u"), "item" + std::to_string(i), kT0 + i * kDay, EventType::kView, 1, 30, 3);
  }
  index.Add(User("u"), "ancient", kT0 - 100 * kDay, EventType::kView, 1, 30, 3);  // too old
  EXPECT_EQ(Items(index.Recent(User("u"), 0)),
            (std::vector<std::string>{"item9", "item8", "item7"}));
  EXPECT_EQ(Items(index.Recent(User("u"), kT0 + 9 * kDay)), (std::vector<std::string>{"item9"}));
}

TEST(HistoryIndexTest, EvictsLeastRecentlyUpdatedUsersUnderTheMemoryCap) {
  HistoryIndex index(64 * 4096);  // about 4 KiB per shard
  for (int u = 0; u < 20000; ++u) {
    index.Add(User("user" + std::to_string(u)), "x", kT0, EventType::kView, 1, 30, 50);
  }
  EXPECT_LE(index.bytes(), 64u * 4096);  // the item id "x" included
  EXPECT_GT(index.evictions(), 0u);
  EXPECT_LT(index.users(), 20000u);
  EXPECT_FALSE(index.Recent(User("user19999"), 0).empty());  // the newest survive
  EXPECT_TRUE(index.Recent(User("user0"), 0).empty());
}

// Issue 27: a bot posting events each with a new user and a new 60-byte item id.
TEST(HistoryIndexTest, AStreamOfNewUsersAndNewItemsStaysWithinTheCap) {
  constexpr size_t kCap = 4 << 20;
  HistoryIndex index(kCap);
  const std::string item_prefix(52, 'i');
  for (int i = 0; i < 200000; ++i) {
    index.Add(User(Numbered("bot-user-", i)), Numbered(item_prefix.c_str(), i), kT0 + i,
              EventType::kView, 1, 30, 50);
    if (i % 1000 == 999) {
      ASSERT_LE(index.bytes(), kCap) << i;
    }
  }
  EXPECT_GT(index.evictions(), 100000u);
  EXPECT_EQ(index.items(), index.users());  // one item each; the evicted users' items are gone
  EXPECT_GT(index.bytes(), kCap * 9 / 10);  // and the cap is used, not wasted
}

TEST(HistoryIndexTest, EvictionIsLoggedOnceAMinuteNotPerEvent) {
  HistoryIndex index(64 * 4096);
  ::testing::internal::CaptureStderr();
  for (int u = 0; u < 20000; ++u) {
    index.Add(User(Numbered("user", u)), "x", kT0, EventType::kView, 1, 30, 50);
  }
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_GT(index.evictions(), 10000u);
  size_t lines = 0;
  for (size_t at = log.find("memory cap"); at != std::string::npos;
       at = log.find("memory cap", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 1u) << log;
  EXPECT_NE(log.find("\"evictions_total\""), std::string::npos) << log;
}

TEST(HistoryIndexTest, AnItemPushedOutOfEveryHistoryIsReleased) {
  HistoryIndex index(1 << 20);
  for (int i = 0; i < 10; ++i) {
    index.Add(User("u"), Numbered("item", i), kT0 + i * kDay, EventType::kView, 1, 30, 3);
  }
  EXPECT_EQ(index.items(), 3u);
  // Shared by a user and a session: kept while either refers to it.
  index.Add({"t1", HistoryKeyKind::kSession, "s"}, "item9", kT0 + 9 * kDay, EventType::kView, 1, 30,
            3);
  for (int i = 10; i < 13; ++i) {
    index.Add(User("u"), Numbered("item", i), kT0 + i * kDay, EventType::kView, 1, 30, 3);
  }
  EXPECT_EQ(index.items(), 4u);
  EXPECT_EQ(Items(index.Recent({"t1", HistoryKeyKind::kSession, "s"}, 0)),
            (std::vector<std::string>{"item9"}));
}

TEST(HistoryIndexTest, AnIdReusedAfterItsReleaseNamesTheNewItem) {
  HistoryIndex index(64 * 2048);
  index.Add(User("first"), "old-item", kT0, EventType::kView, 1, 30, 50);
  for (int u = 0; u < 5000; ++u) {  // evicts "first" and frees old-item's slot for reuse
    index.Add(User(Numbered("user", u)), Numbered("item", u), kT0 + 1, EventType::kView, 1, 30, 50);
  }
  EXPECT_TRUE(index.Recent(User("first"), 0).empty());
  EXPECT_EQ(Items(index.Recent(User("user4999"), 0)), (std::vector<std::string>{"item4999"}));
}

// bytes() is what malloc says the index holds, within 10%: the cap holds in resident memory.
TEST(HistoryIndexTest, BytesMatchTheHeapTheIndexHolds) {
  const std::string item_prefix(52, 'i');
  std::vector<std::string> items;
  for (int i = 0; i < 50000; ++i) items.push_back(Numbered(item_prefix.c_str(), i));
  const size_t before = testing::HeapInUse();
  auto index = std::make_unique<HistoryIndex>(size_t{1} << 30);
  for (int i = 0; i < 50000; ++i) {
    for (int k = 0; k < 3; ++k) {
      index->Add(User(Numbered("u", i)), items[(i + k * 7919) % items.size()], kT0 + k,
                 EventType::kView, 1, 30, 50);
    }
  }
  const double used = static_cast<double>(testing::HeapInUse() - before);
  EXPECT_NEAR(static_cast<double>(index->bytes()), used, 0.1 * used);
}

// Writers evicting (and so freeing and reusing item indexes) while readers read: a history never
// shows an item of another user.
TEST(HistoryIndexTest, ReadersNeverSeeAnotherUsersItemWhileIdsAreFreedAndReused) {
  HistoryIndex index(64 * 4096);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&index, t] {
      for (int i = 0; i < 20000; ++i) {
        const std::string user = Numbered(t % 2 == 0 ? "even" : "odd", i % 500);
        index.Add(User(user), user + "/" + std::to_string(i), kT0 + i, EventType::kView, 1, 30, 4);
        for (const HistoryItem& h : index.Recent(User(user), 0)) {
          ASSERT_EQ(h.item_id.rfind(user + "/", 0), 0u) << h.item_id << " in " << user;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(index.evictions(), 0u);
  EXPECT_LE(index.bytes(), 64u * 4096);
}

TEST(HistoryIndexTest, ConcurrentWritersAndReaders) {
  HistoryIndex index(64 << 20);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&index, t] {
      for (int i = 0; i < 5000; ++i) {
        const std::string user = Numbered("u", i % 100);
        index.Add(User(user), Numbered("i", (i + t) % 37), kT0 + i, EventType::kClick, 2, 30, 50);
        (void)index.Recent(User(user), 0);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(index.users(), 100u);
  EXPECT_EQ(index.Recent(User("u7"), 0).size(), 37u);
}

}  // namespace
}  // namespace recsys::service
