#include "core/top_neighbours.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace recsys {
namespace {

using Neighbour = SignalSnapshot::Neighbour;

std::string Describe(const std::vector<Neighbour>& list) {
  std::string text;
  for (const Neighbour& n : list) {
    if (!text.empty()) text += ' ';
    text.append(std::to_string(n.item))
        .append("=")
        .append(std::to_string(static_cast<int>(n.score)));
  }
  return text;
}

TEST(TopNeighboursTest, RepeatedNeighboursAreSummedThenOrderedByScoreThenId) {
  // Ids sort in the reverse order of the indexes: ties must follow the ids.
  const std::vector<std::string> ids = {"d", "c", "b", "a"};
  auto id_of = [&ids](ItemIndex i) { return std::string_view(ids[i]); };
  std::vector<Neighbour> list = {{0, 1}, {2, 3}, {0, 2}, {1, 3}, {3, 1}};
  const auto kept = SumAndKeepTopNeighbours(list.begin(), list.end(), id_of);
  list.resize(static_cast<size_t>(kept - list.begin()));
  // 0 sums to 3 and ties with 1 and 2: "b" (2) < "c" (1) < "d" (0); 3 ("a") is last with 1.
  EXPECT_EQ(Describe(list), "2=3 1=3 0=3 3=1");
}

TEST(TopNeighboursTest, KeepsAtMostMaxNeighbours) {
  std::vector<std::string> ids;
  std::vector<Neighbour> list;
  for (int i = 0; i < kMaxNeighbours + 50; ++i) {
    ids.push_back("item-" + std::to_string(100000 + i));
    list.push_back({static_cast<ItemIndex>(i), static_cast<float>(i)});
  }
  auto id_of = [&ids](ItemIndex i) { return std::string_view(ids[i]); };
  auto kept = SumAndKeepTopNeighbours(list.begin(), list.end(), id_of);
  ASSERT_EQ(kept - list.begin(), kMaxNeighbours);
  EXPECT_EQ(list.front().item, static_cast<ItemIndex>(kMaxNeighbours + 49));
  EXPECT_EQ(list[kMaxNeighbours - 1].item, 50u);  // the 50 lowest scores are cut
}

TEST(TopNeighboursTest, AnEmptyListStaysEmpty) {
  std::vector<Neighbour> list;
  auto id_of = [](ItemIndex) { return std::string_view(); };
  EXPECT_EQ(SumAndKeepTopNeighbours(list.begin(), list.end(), id_of), list.end());
}

}  // namespace
}  // namespace recsys
