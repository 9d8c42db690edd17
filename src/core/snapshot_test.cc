#include "core/snapshot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/snapshot_codec.h"
#include "testing/numbered.h"

namespace recsys {
namespace {

using testing::Numbered;

std::vector<std::pair<std::string, float>> Neighbours(const SignalSnapshot& s,
                                                      std::string_view id) {
  std::vector<std::pair<std::string, float>> out;
  for (const auto& n : s.neighbours(*s.Find(id))) out.emplace_back(s.item_id(n.item), n.score);
  return out;
}

TEST(SnapshotTest, CovisitBatchesEqualDirectRows) {
  SnapshotBuilder direct(100, 30);
  SnapshotBuilder batched(100, 30);
  CovisitBatch batch;
  const std::vector<std::tuple<std::string, std::string, double>> rows = {
      {"a", "b", 2}, {"a", "c", 1}, {"a", "b", 3}, {"b", "a", 1}, {"c", "c", 9}};
  for (const auto& [x, y, score] : rows) {
    direct.AddCovisit(x, y, score);
    batch.Add(x, y, score);
  }
  batched.AddPopularity("z", 100, 1);  // ids known to the builder before the batch
  batched.AddCovisitBatch(batch);
  auto d = direct.Build();
  auto b = batched.Build();
  EXPECT_EQ(Neighbours(*d, "a"), (std::vector<std::pair<std::string, float>>{{"b", 5}, {"c", 1}}));
  EXPECT_EQ(Neighbours(*b, "a"), Neighbours(*d, "a"));
  EXPECT_EQ(Neighbours(*b, "b"), Neighbours(*d, "b"));
  EXPECT_TRUE(Neighbours(*b, "c").empty());  // self pairs are dropped
}

// A bot's made-up items past the limit go, with their pairs; catalog items stay even without
// popularity, then the most popular. What is kept is what an unlimited build of it would hold.
TEST(SnapshotTest, AtMostMaxItemsKeepsTheCatalogThenTheMostPopular) {
  SnapshotBuilder b(100, 30);
  b.SetMaxItems(4);
  b.AddTags("shoe", {"brand:nike"});
  b.AddTag("sock", "");  // a catalog row without tags
  b.AddPopularity("shoe", 100, 5);
  b.AddPopularity("hat", 99, 9);
  b.AddPopularity("bot-1", 100, 1);
  b.AddPopularity("bot-2", 100, 0.5);
  b.AddPopularity("bot-3", 100, 0.5);
  b.AddCovisit("shoe", "hat", 2);
  b.AddCovisit("shoe", "bot-2", 7);
  b.AddCovisit("bot-3", "shoe", 7);
  b.AddSequence("hat", "bot-1", 1);
  auto s = b.Build();
  EXPECT_EQ(b.dropped_items(), 2u);
  EXPECT_EQ(s->item_count(), 4u);
  for (const char* gone : {"bot-2", "bot-3"}) EXPECT_FALSE(s->Find(gone)) << gone;
  for (const char* kept : {"shoe", "sock", "hat", "bot-1"}) EXPECT_TRUE(s->Find(kept)) << kept;
  EXPECT_EQ(Neighbours(*s, "shoe"), (std::vector<std::pair<std::string, float>>{{"hat", 2}}));
  EXPECT_EQ(s->successors(*s->Find("hat")).size(), 1u);
  EXPECT_TRUE(s->HasTag(*s->Find("shoe"), *s->FindTag("brand:nike")));
  EXPECT_EQ(s->item_id(s->by_popularity()[0]), "hat");

  SnapshotBuilder unlimited(100, 30);
  unlimited.AddPopularity("a", 100, 1);
  unlimited.Build();
  EXPECT_EQ(unlimited.dropped_items(), 0u);
}

TEST(SnapshotTest, LargeCovisitBatchesEqualDirectRows) {
  // More rows than the batch's lookahead, neighbours repeating and new, so that rows wait while
  // others are interned and the last few are resolved only when the builder takes the batch.
  SnapshotBuilder direct(100, 30);
  SnapshotBuilder batched(100, 30);
  CovisitBatch batch;
  for (int item = 0; item < 40; ++item) {
    for (int k = 0; k < 7; ++k) {
      const std::string a = Numbered("i", item), b = Numbered("i", (item * 13 + k * 5) % 57);
      direct.AddCovisit(a, b, k + 1);
      batch.Add(a, b, k + 1);
    }
  }
  batched.AddCovisitBatch(batch);
  auto d = direct.Build();
  auto b = batched.Build();
  ASSERT_EQ(b->item_count(), d->item_count());
  for (int item = 0; item < 57; ++item) {
    EXPECT_EQ(Neighbours(*b, Numbered("i", item)), Neighbours(*d, Numbered("i", item))) << item;
  }
}

TEST(SnapshotTest, NeighbourListsEqualAReferenceOnRandomRows) {
  // Rows in random order with repeated pairs (summed), self pairs (dropped), tied scores (by
  // neighbour id) and one item with more neighbours than are kept. Integer scores keep float
  // sums exact in any order.
  std::mt19937 random(5);
  SnapshotBuilder builder(100, 30);
  std::map<std::string, std::map<std::string, float>> sums;
  auto add = [&](const std::string& a, const std::string& b, int score) {
    builder.AddCovisit(a, b, score);
    if (a != b) sums[a][b] += static_cast<float>(score);
  };
  for (int row = 0; row < 5000; ++row) {
    add(Numbered("i", static_cast<int>(random() % 60)),
        Numbered("i", static_cast<int>(random() % 60)), 1 + static_cast<int>(random() % 4));
  }
  for (int k = 0; k < kMaxNeighbours + 40; ++k) add("hub", Numbered("n", k), 1 + k % 3);
  auto s = builder.Build();
  for (const auto& [item, neighbour_sums] : sums) {
    std::vector<std::pair<std::string, float>> expected(neighbour_sums.begin(),
                                                        neighbour_sums.end());
    std::stable_sort(expected.begin(), expected.end(),
                     [](const auto& x, const auto& y) { return x.second > y.second; });
    if (expected.size() > static_cast<size_t>(kMaxNeighbours)) expected.resize(kMaxNeighbours);
    ASSERT_EQ(Neighbours(*s, item), expected) << item;
  }
}

TEST(SnapshotTest, RowsInTheSameOrderAsAnEarlierTableFindTheirItems) {
  // Tags, then popularity in the same item order (each row's item is the one interned after the
  // last), then in reverse, with an unseen item in between.
  SnapshotBuilder builder(100, 30);
  for (int i = 0; i < 20; ++i) builder.AddTags(Numbered("i", i), {"t"});
  for (int i = 0; i < 20; ++i) builder.AddPopularity(Numbered("i", i), 100, i);
  builder.AddPopularity("new", 100, 100);
  for (int i = 19; i >= 0; --i) builder.AddPopularity(Numbered("i", i), 100, 1);
  auto s = builder.Build();
  ASSERT_EQ(s->item_count(), 21u);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(s->Find(Numbered("i", i)), static_cast<ItemIndex>(i));
    EXPECT_FLOAT_EQ(s->popularity(static_cast<ItemIndex>(i)), static_cast<float>(i + 1));
  }
  EXPECT_EQ(s->item_id(s->by_popularity()[0]), "new");
}

TEST(SnapshotTest, KeepsTheTopNeighboursAndOrdersPostingsByPopularity) {
  SnapshotBuilder builder(100, 30);
  for (int i = 0; i < kMaxNeighbours + 50; ++i) {
    builder.AddCovisit("hub", Numbered("n", i), i);
  }
  builder.AddTags("low", {"Brand:X"});
  builder.AddTags("high", {"brand:x "});
  builder.AddPopularity("low", 100, 1);
  builder.AddPopularity("high", 100, 50);
  auto s = builder.Build();
  auto hub = s->neighbours(*s->Find("hub"));
  ASSERT_EQ(hub.size(), static_cast<size_t>(kMaxNeighbours));
  EXPECT_EQ(s->item_id(hub[0].item), "n249");
  auto tag = s->FindTag("brand:x");
  ASSERT_TRUE(tag.has_value());
  ASSERT_EQ(s->posting(*tag).size(), 2u);
  EXPECT_EQ(s->item_id(s->posting(*tag)[0]), "high");
  EXPECT_EQ(s->brand(*s->Find("low")), *tag);
  EXPECT_NEAR(s->PopularityAt(*s->Find("high"), 130), 25, 1e-4);  // one half-life later
}

// HasTag answers the same whether it searches the item's tags or reads its brand or category,
// also when some item has two brands (then brand tags are searched).
TEST(SnapshotTest, HasTagIsTheSameForEveryKindOfTag) {
  for (bool two_brands : {false, true}) {
    SnapshotBuilder builder(100, 30);
    builder.AddTags("a", {"brand:x", "category:shoes", "red"});
    builder.AddTags("b", {"brand:y", "category:hats"});
    builder.AddTags("c", {"sale"});
    if (two_brands) builder.AddTags("c", {"brand:x", "brand:y"});
    auto built = builder.Build();
    std::string bytes;
    EncodeSnapshot(*built, [&bytes](std::string_view piece) { bytes.append(piece); });
    std::string_view input = bytes;
    auto decoded = DecodeSnapshot(&input);
    ASSERT_TRUE(decoded.ok());
    for (const auto& s : {built, decoded.value()}) {
      for (std::string_view item : {"a", "b", "c"}) {
        const ItemIndex i = *s->Find(item);
        const auto list = s->tags(i);
        for (TagIndex t = 0; t < s->tag_count(); ++t) {
          const bool carries = std::find(list.begin(), list.end(), t) != list.end();
          EXPECT_EQ(s->HasTag(i, t), carries) << item << " " << s->tag_name(t) << " " << two_brands;
        }
      }
      EXPECT_TRUE(s->HasTag(*s->Find("c"), *s->FindTag("brand:y")) == two_brands);
    }
  }
}

}  // namespace
}  // namespace recsys
