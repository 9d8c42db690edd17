#include "core/id_table.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace recsys {
namespace {

TEST(IdTableTest, InternsInFirstSeenOrderAndFindsEachAgain) {
  IdTable table;
  EXPECT_EQ(table.Intern("b"), 0u);
  EXPECT_EQ(table.Intern("a"), 1u);
  EXPECT_EQ(table.Intern("b"), 0u);
  EXPECT_EQ(table.Intern(""), 2u);
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.id(0), "b");
  EXPECT_EQ(table.id(1), "a");
  EXPECT_EQ(table.id(2), "");
  EXPECT_EQ(table.Find("a"), 1u);
  EXPECT_EQ(table.Find(""), 2u);
  EXPECT_EQ(table.Find("c"), std::nullopt);
  EXPECT_EQ(IdTable().Find("a"), std::nullopt);
}

TEST(IdTableTest, AgreesWithAStandardMapAcrossManyRehashes) {
  IdTable table;
  std::unordered_map<std::string, uint32_t> reference;
  // Ids that share prefixes and lengths, the shape real item ids have.
  for (uint32_t i = 0; i < 100000; ++i) {
    const std::string id = "item-" + std::to_string((i * 7919u) % 60000u);
    const auto [it, added] = reference.emplace(id, static_cast<uint32_t>(reference.size()));
    ASSERT_EQ(table.Intern(id), it->second) << id;
  }
  ASSERT_EQ(table.size(), reference.size());
  for (const auto& [id, index] : reference) {
    ASSERT_EQ(table.Find(id), index);
    ASSERT_EQ(table.id(index), id);
  }
  EXPECT_EQ(table.Find("item-60000"), std::nullopt);
  EXPECT_EQ(table.Find("item-"), std::nullopt);
}

TEST(IdTableTest, InternWithAPrefetchedHashEqualsPlainIntern) {
  IdTable table;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = "id" + std::to_string(i % 700);
    const uint32_t hash = IdTable::Hash(id);
    table.PrefetchSlot(hash);
    table.PrefetchEntry(hash);
    ASSERT_EQ(table.Intern(id, hash), static_cast<uint32_t>(i % 700));
  }
  EXPECT_EQ(table.size(), 700u);
  EXPECT_EQ(table.Find("id699"), 699u);
  EXPECT_GT(table.MemoryBytes(), 700u * 8);
}

TEST(IdTableTest, ForEachFoundVisitsTheKnownIdsInOrderAcrossGroups) {
  IdTable table;
  for (int n = 0; n < 100; ++n) table.Intern("id-" + std::to_string(n));
  // 40 ids (more than one group of lookups), every third unknown, one known id twice.
  std::vector<std::string> ids;
  std::vector<uint32_t> expected;
  for (int n = 0; n < 40; ++n) {
    const bool known = n % 3 != 0;
    ids.push_back(known ? "id-" + std::to_string(n * 2) : "missing-" + std::to_string(n));
    if (known) expected.push_back(static_cast<uint32_t>(n * 2));
  }
  ids.push_back("id-2");
  expected.push_back(2);
  std::vector<uint32_t> visited;
  table.ForEachFound(ids, [&](uint32_t index) { visited.push_back(index); });
  EXPECT_EQ(visited, expected);
  IdTable empty;
  empty.ForEachFound(ids, [&](uint32_t) { ADD_FAILURE() << "an empty table finds nothing"; });
}

}  // namespace
}  // namespace recsys
