#include "core/repeat_slots.h"

#include <gtest/gtest.h>

namespace recsys {
namespace {

HistoryItem Visited(const char* id, int occasions) {
  HistoryItem h;
  h.item_id = id;
  h.occasions = occasions;
  return h;
}

TEST(RepeatSlotsTest, PropensityIsTheShareOfVisitsThatWereReturns) {
  EXPECT_EQ(RepeatPropensity({}), 0);
  const std::vector<HistoryItem> once = {Visited("a", 1), Visited("b", 1)};
  EXPECT_EQ(RepeatPropensity(once), 0);
  const std::vector<HistoryItem> mixed = {Visited("a", 3), Visited("b", 1)};
  EXPECT_DOUBLE_EQ(RepeatPropensity(mixed), 0.5);  // 2 returns in 4 visits
}

TEST(RepeatSlotsTest, FixedAutoAndBounds) {
  const std::vector<HistoryItem> mixed = {Visited("a", 3), Visited("b", 1)};
  EXPECT_EQ(RepeatSlotCount({}, 20, mixed), 0);  // the blend: no parts
  EXPECT_EQ(RepeatSlotCount({RepeatSlots::kFixed, 8, 0, 200}, 20, mixed), 8);
  EXPECT_EQ(RepeatSlotCount({RepeatSlots::kFixed, 8, 0, 200}, 5, mixed), 5);  // at most the slots
  EXPECT_EQ(RepeatSlotCount({RepeatSlots::kAuto, 0, 0, 200}, 20, mixed), 10);
  EXPECT_EQ(RepeatSlotCount({RepeatSlots::kAuto, 0, 2, 6}, 20, mixed), 6);
  EXPECT_EQ(RepeatSlotCount({RepeatSlots::kAuto, 0, 0, 200}, 0, mixed), 0);
}

// A user with one purchase, and a tenant whose users never come back to an item: nothing says
// they repeat, so auto gives every slot to explore (or `min`, when the config asks for some).
TEST(RepeatSlotsTest, AutoGivesEverythingToExploreWithoutRepeats) {
  const std::vector<HistoryItem> one = {Visited("a", 1)};
  EXPECT_EQ(RepeatSlotCount({RepeatSlots::kAuto, 0, 0, 200}, 20, one), 0);
  EXPECT_EQ(RepeatSlotCount({RepeatSlots::kAuto, 0, 3, 200}, 20, one), 3);
  EXPECT_EQ(RepeatSlotCount({RepeatSlots::kAuto, 0, 0, 200}, 20, {}), 0);
}

// A user with hundreds of repeat visits is bounded by max.
TEST(RepeatSlotsTest, AHeavyRepeaterIsBoundedByMax) {
  std::vector<HistoryItem> heavy;
  for (int i = 0; i < 300; ++i) heavy.push_back(Visited("x", 50));
  EXPECT_EQ(RepeatSlotCount({RepeatSlots::kAuto, 0, 0, 15}, 20, heavy), 15);
  EXPECT_EQ(RepeatSlotCount({RepeatSlots::kAuto, 0, 0, 200}, 20, heavy), 20);
}

}  // namespace
}  // namespace recsys
