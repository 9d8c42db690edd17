#include "core/ranker.h"

#include <gtest/gtest.h>

namespace recsys {
namespace {

constexpr int32_t kToday = 20000;

// Catalog: item "i01".."i10"; popularity descending by number; brands a/b alternate; categories
// x for 1..5 and y for 6..10. i01 co-visits with i07 and i09.
std::shared_ptr<const SignalSnapshot> Catalog() {
  SnapshotBuilder b(kToday, 30);
  for (int n = 1; n <= 10; ++n) {
    char id[8];
    std::snprintf(id, sizeof id, "i%02d", n);
    b.AddTags(id, {n % 2 ? "brand:a" : "brand:b", n <= 5 ? "category:x" : "category:y",
                   n == 3 ? "Promo " : "regular"});
    b.AddPopularity(id, kToday, 100.0 - n * 5);
    b.AddPopularity(id, kToday - 30, 10);  // decays to 5
  }
  b.AddCovisit("i01", "i07", 5);
  b.AddCovisit("i01", "i09", 2);
  b.AddCovisit("i01", "i09", 1);
  return b.Build();
}

class RankerTest : public ::testing::Test {
 protected:
  RecommendRequest Request(int k = 10) {
    RecommendRequest q;
    q.surface = "home";
    q.user_id = "u1";
    q.k = k;
    return q;
  }

  std::vector<std::string> Ids(const RankResult& r) {
    std::vector<std::string> out;
    for (const RankedItem& item : r.items) out.emplace_back(snap_->item_id(item.item));
    return out;
  }

  RankResult Run(const RecommendRequest& q, const std::vector<Rule>& rules = {}) {
    return Recommend({q, *snap_, config_, rules, now_}, scratch_);
  }

  static Rule MakeRule(RuleAction action, std::vector<std::string> items, int priority = 0) {
    Rule r;
    r.id = "r" + std::to_string(priority) + (items.empty() ? "" : items[0]);
    r.action = action;
    r.target = RuleTarget::kItem;
    r.item_ids = std::move(items);
    r.priority = priority;
    return r;
  }

  std::shared_ptr<const SignalSnapshot> snap_ = Catalog();
  TenantConfig config_;
  TimestampUs now_ = static_cast<TimestampUs>(kToday) * 86400 * 1000000 + 3600000000LL;
  RankScratch scratch_;
};

TEST_F(RankerTest, PopularityOrderWithDecay) {
  RankResult r = Run(Request(3));
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"i01", "i02", "i03"}));
  EXPECT_NEAR(r.items[0].raw_pop, 95 + 5, 1e-3);  // 10 * 2^(-30/30)
  EXPECT_NEAR(r.items[0].score, 100.0 / 101.0, 1e-6);
  EXPECT_EQ(r.items[0].reasons, kReasonPopularity);
}

TEST_F(RankerTest, KLargerThanCatalogReturnsEverything) {
  EXPECT_EQ(Run(Request(50)).items.size(), 10u);
}

TEST_F(RankerTest, EmptySnapshotReturnsNothing) {
  auto empty = SnapshotBuilder(kToday, 30).Build();
  RecommendRequest q = Request();
  RankResult r = Recommend({q, *empty, config_, {}, now_}, scratch_);
  EXPECT_TRUE(r.items.empty());
}

TEST_F(RankerTest, ContextNowChangesTheDecay) {
  // 30 days later every row has aged one more half-life: the order stays, the raw values halve.
  RankResult later =
      Recommend({Request(1), *snap_, config_, {}, now_ + 30LL * 86400 * 1000000}, scratch_);
  EXPECT_NEAR(later.items[0].raw_pop, 50.0, 1e-3);
}

TEST_F(RankerTest, ExcludeIncludeAndTagFilters) {
  RecommendRequest q = Request();
  q.exclude_ids = {"i01", "i02"};
  EXPECT_EQ(Ids(Run(q))[0], "i03");

  q = Request();
  q.has_include = true;
  q.include_ids = {"i08", "i04", "unknown"};
  EXPECT_EQ(Ids(Run(q)), (std::vector<std::string>{"i04", "i08"}));

  q = Request();
  q.required_tags = {"category:y", "brand:a"};
  EXPECT_EQ(Ids(Run(q)), (std::vector<std::string>{"i07", "i09"}));

  q = Request();
  q.forbidden_tags = {"category:x", "promo"};
  EXPECT_EQ(Ids(Run(q)).front(), "i06");
  EXPECT_EQ(Run(q).items.size(), 5u);

  q = Request();
  q.required_tags = {"no:such"};
  EXPECT_TRUE(Run(q).items.empty());
}

TEST_F(RankerTest, AnchorsBringCoVisitationAndAreExcluded) {
  RecommendRequest q = Request(2);
  q.anchor_ids = {"i01"};
  q.weights.pop = 0;
  q.weights.cooc = 1;
  RankResult r = Run(q);
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"i07", "i09"}));
  EXPECT_NEAR(r.items[0].raw_cooc, 5, 1e-6);
  EXPECT_NEAR(r.items[1].raw_cooc, 3, 1e-6);  // repeated pairs add up
  EXPECT_EQ(r.items[0].reasons, kReasonCoVisitation);

  config_.exclude_anchors = false;
  q.weights.pop = 1;
  q.k = 10;
  auto ids = Ids(Run(q));
  EXPECT_NE(std::find(ids.begin(), ids.end(), "i01"), ids.end());
}

TEST_F(RankerTest, SimilarityWeightUsesTagOverlapWithAnchors) {
  RecommendRequest q = Request(1);
  q.anchor_ids = {"i02"};  // brand:b, category:x, regular
  q.weights.pop = 0;
  q.weights.emb = 1;
  RankResult r = Run(q);
  EXPECT_EQ(Ids(r)[0], "i04");  // same three tags
  EXPECT_DOUBLE_EQ(r.items[0].sim, 1.0);
}

TEST_F(RankerTest, PinsComeFirstInRuleOrderAndRespectLimits) {
  std::vector<Rule> rules = {MakeRule(RuleAction::kPin, {"i09", "i08"}, 1),
                             MakeRule(RuleAction::kPin, {"i10"}, 5)};
  RankResult r = Run(Request(5), rules);
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"i10", "i09", "i08", "i01", "i02"}));
  EXPECT_EQ(r.items[0].reasons & kReasonPin, kReasonPin);

  config_.ranking.max_pins = 2;
  EXPECT_EQ(Ids(Run(Request(3), rules)), (std::vector<std::string>{"i10", "i09", "i01"}));

  config_.ranking.max_pins = 3;
  rules[0].max_pins = 1;
  EXPECT_EQ(Ids(Run(Request(3), rules)), (std::vector<std::string>{"i10", "i09", "i01"}));
}

TEST_F(RankerTest, PinNeverBreaksTheCallersConstraints) {
  std::vector<Rule> rules = {MakeRule(RuleAction::kPin, {"i09"})};
  RecommendRequest q = Request(2);
  q.exclude_ids = {"i09"};
  EXPECT_EQ(Ids(Run(q, rules)), (std::vector<std::string>{"i01", "i02"}));
  q = Request(2);
  q.forbidden_tags = {"category:y"};
  EXPECT_EQ(Ids(Run(q, rules)), (std::vector<std::string>{"i01", "i02"}));
  q = Request(2);
  q.has_include = true;
  q.include_ids = {"i02", "i03"};
  EXPECT_EQ(Ids(Run(q, rules)), (std::vector<std::string>{"i02", "i03"}));
}

TEST_F(RankerTest, UnavailableItemsNeverAppearNotEvenPinnedOrBoosted) {
  std::vector<bool> unavailable(snap_->item_count(), false);
  unavailable[*snap_->Find("i01")] = true;
  unavailable[*snap_->Find("i05")] = true;
  std::vector<Rule> rules = {MakeRule(RuleAction::kPin, {"i05"}, 2),
                             MakeRule(RuleAction::kBoost, {"i01"}, 1)};
  rules[1].boost_value = 100;
  RankResult r = Recommend({Request(), *snap_, config_, rules, now_, &unavailable}, scratch_);
  const auto ids = Ids(r);
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "i01"), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "i05"), ids.end());
  EXPECT_EQ(ids.size(), 8u);
  RecommendRequest similar = Request();
  similar.item_id = "i07";
  const auto neighbours =
      Ids(Similar({similar, *snap_, config_, {}, now_, &unavailable}, scratch_));
  EXPECT_EQ(std::find(neighbours.begin(), neighbours.end(), "i01"), neighbours.end());
}

TEST_F(RankerTest, SequenceFollowsTheMostRecentAnchorFirst) {
  SnapshotBuilder b(kToday, 30);
  for (const char* id : {"a", "b", "after-a", "after-b"}) b.AddPopularity(id, kToday, 1);
  b.AddSequence("a", "after-a", 1);
  b.AddSequence("b", "after-b", 1);
  b.AddSequence("after-a", "a", 9);  // directed: does not count for anchor a
  snap_ = b.Build();
  RecommendRequest q = Request(2);
  q.anchor_ids = {"b", "a"};  // b is the most recent
  q.weights.pop = 0;
  q.weights.seq = 1;
  q.include_reasons = true;
  RankResult r = Run(q);
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"after-b", "after-a"}));
  EXPECT_NEAR(r.items[0].seq, 0.5, 1e-6);      // 1 / (1 + 1)
  EXPECT_NEAR(r.items[1].seq, 1.0 / 3, 1e-6);  // 0.5 / (0.5 + 1)
  EXPECT_TRUE(r.items[0].reasons & kReasonSequence);
}

TEST_F(RankerTest, AReusedScratchForgetsTheLastRequestsSignals) {
  const std::vector<HistoryItem> history = {{"i09", 2, 1.0, 1 << 4}};
  RecommendRequest q = Request(10);
  q.anchor_ids = {"i01"};
  q.weights.cooc = 1;
  q.weights.hist = 1;
  q.weights.seq = 1;
  const RankResult first = Recommend({q, *snap_, config_, {}, now_, nullptr, history}, scratch_);
  const auto i07 =
      std::find_if(first.items.begin(), first.items.end(),
                   [&](const RankedItem& item) { return snap_->item_id(item.item) == "i07"; });
  ASSERT_NE(i07, first.items.end());
  ASSERT_NEAR(i07->raw_cooc, 5, 1e-6);

  // Without anchors or history, no item keeps a signal from the request before.
  RecommendRequest plain = q;
  plain.anchor_ids.clear();
  for (const RankedItem& item : Run(plain).items) {
    EXPECT_EQ(item.raw_cooc, 0) << snap_->item_id(item.item);
    EXPECT_EQ(item.raw_seq, 0) << snap_->item_id(item.item);
    EXPECT_EQ(item.hist, 0) << snap_->item_id(item.item);
  }
  // The same request again scores the same, not twice the co-visitation.
  const RankResult again = Recommend({q, *snap_, config_, {}, now_, nullptr, history}, scratch_);
  ASSERT_EQ(again.items.size(), first.items.size());
  for (size_t i = 0; i < first.items.size(); ++i) {
    EXPECT_EQ(again.items[i].item, first.items[i].item);
    EXPECT_EQ(again.items[i].raw_cooc, first.items[i].raw_cooc);
    EXPECT_EQ(again.items[i].hist, first.items[i].hist);
  }
}

TEST_F(RankerTest, OwnHistoryScoresTheUsersItemsAndKeepsThemAsCandidates) {
  const std::vector<HistoryItem> history = {{"i09", 2, 1.0, 1 << 4}, {"i07", 1, 0.5, 1 << 1}};
  RecommendRequest q = Request(3);
  q.weights.pop = 0;
  q.weights.hist = 1;
  q.include_reasons = true;
  RankResult r = Recommend({q, *snap_, config_, {}, now_, nullptr, history}, scratch_);
  ASSERT_GE(r.items.size(), 2u);
  EXPECT_EQ(Ids(r)[0], "i09");
  EXPECT_EQ(Ids(r)[1], "i07");
  EXPECT_TRUE(r.items[0].reasons & kReasonPersonalization);
  EXPECT_TRUE(r.trace.anchors_from_history);
}

TEST_F(RankerTest, HistoryAnchorsBringCoVisitationForAUserWithoutRequestAnchors) {
  const std::vector<HistoryItem> history = {{"i01", 1, 1.0, 1 << 1}};
  RecommendRequest q = Request(2);
  q.weights.pop = 0;
  q.weights.cooc = 1;
  RankResult r = Recommend({q, *snap_, config_, {}, now_, nullptr, history}, scratch_);
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"i07", "i09"}));  // i01 itself is excluded
  EXPECT_EQ(r.trace.anchors_used.size(), 1u);
}

TEST_F(RankerTest, ExcludeSeenRemovesHistoryItemsOfTheChosenTypes) {
  const std::vector<HistoryItem> history = {{"i02", 2, 1.0, 1 << 4}, {"i03", 1, 0.5, 1 << 1}};
  RecommendRequest q = Request(10);
  q.exclude_seen = true;
  auto ids = Ids(Recommend({q, *snap_, config_, {}, now_, nullptr, history}, scratch_));
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "i02"), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "i03"), ids.end());
  config_.ranking.exclude_seen = true;
  config_.ranking.exclude_seen_types = 1 << 4;  // purchases only
  config_.exclude_anchors = false;  // history items are anchors here; keep them candidates
  q.exclude_seen.reset();
  ids = Ids(Recommend({q, *snap_, config_, {}, now_, nullptr, history}, scratch_));
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "i02"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "i03"), ids.end());
}

// ranking.md "Repeat and explore": the user's own items by own(i) fill the repeat slots, the
// others (by the blend, co-visitation normalized) the rest.
TEST_F(RankerTest, RepeatSlotsSplitTheListBetweenOwnItemsAndNewOnes) {
  const std::vector<HistoryItem> history = {
      {"i10", 3, 1.0, 1 << 4, 3}, {"i09", 2, 0.2, 1 << 4, 1}, {"i08", 1, 0.6, 1 << 4, 2}};
  config_.ranking.repeat_slots = {RepeatSlots::kFixed, 2, 0, 200};
  RecommendRequest q = Request(5);
  RankResult r = Recommend({q, *snap_, config_, {}, now_, nullptr, history}, scratch_);
  // The two best own items by own(i) (not i09, the least), and the three most popular others.
  std::vector<std::string> ids = Ids(r);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"i01", "i02", "i03", "i08", "i10"}));
  EXPECT_EQ(r.trace.repeat_slots, 2);
}

// The repeat part ranks own(i) × the item's rebuy prior (core/rebuy_prior.h): i09, which users
// come back to three times as often as the tenant's average, beats i08's larger own(i); the
// blend's hist keeps its meaning and ignores the prior.
TEST_F(RankerTest, TheRepeatPartWeighsOwnItemsByTheirRebuyPrior) {
  std::vector<HistoryItem> history = {
      {"i10", 3, 1.0, 1 << 4, 3}, {"i09", 2, 0.3, 1 << 4, 1}, {"i08", 1, 0.6, 1 << 4, 2}};
  history[1].rebuy = 3;
  history[2].rebuy = 1.0 / 3;
  config_.ranking.repeat_slots = {RepeatSlots::kFixed, 2, 0, 200};
  RankResult r = Recommend({Request(2), *snap_, config_, {}, now_, nullptr, history}, scratch_);
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"i10", "i09"}));  // 1.0 and 0.9 against 0.2
  EXPECT_DOUBLE_EQ(r.items[1].hist, 0.3f);                      // own(i) itself, as explained
  config_.ranking.repeat_slots = {};
  RecommendRequest q = Request(2);
  q.weights.pop = 0;
  q.weights.hist = 1;
  EXPECT_EQ(Ids(Recommend({q, *snap_, config_, {}, now_, nullptr, history}, scratch_)),
            (std::vector<std::string>{"i10", "i08"}));
}

TEST_F(RankerTest, ARepeatPartThatRunsShortLeavesItsSlotsToExplore) {
  const std::vector<HistoryItem> history = {{"i10", 3, 1.0, 1 << 4, 1}};
  config_.ranking.repeat_slots = {RepeatSlots::kFixed, 4, 0, 200};
  RankResult r = Recommend({Request(5), *snap_, config_, {}, now_, nullptr, history}, scratch_);
  std::vector<std::string> ids = Ids(r);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"i01", "i02", "i03", "i04", "i10"}));
  EXPECT_EQ(r.trace.repeat_slots, 1);
}

TEST_F(RankerTest, ExcludeSeenLeavesTheRepeatPartEmpty) {
  const std::vector<HistoryItem> history = {{"i01", 3, 1.0, 1 << 4, 4}};
  config_.ranking.repeat_slots = {RepeatSlots::kFixed, 3, 0, 200};
  config_.ranking.exclude_seen = true;
  RecommendRequest q = Request(3);
  q.weights.cooc = 1;
  RankResult r = Recommend({q, *snap_, config_, {}, now_, nullptr, history}, scratch_);
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"i07", "i09", "i02"}));
  EXPECT_EQ(r.trace.repeat_slots, 0);
}

// Explore's co-visitation is over the geometric mean of the two items' popularity: i09 co-visits
// i01 less often than i07 does, but i07 is far more popular, so i09 leads once normalized.
TEST_F(RankerTest, ExploreNormalizesCoVisitationByPopularity) {
  SnapshotBuilder b(kToday, 30);
  b.AddPopularity("anchor", kToday, 10);
  b.AddPopularity("popular", kToday, 10000);
  b.AddPopularity("niche", kToday, 4);
  b.AddCovisit("anchor", "popular", 8);
  b.AddCovisit("anchor", "niche", 3);
  auto snap = b.Build();
  const std::vector<HistoryItem> history = {{"anchor", 3, 1.0, 1 << 4, 1}};
  RecommendRequest q = Request(2);
  q.weights.pop = 0;
  q.weights.cooc = 1;
  config_.ranking.repeat_slots = {RepeatSlots::kFixed, 0, 0, 200};
  auto ids = [&](const RankResult& r) {
    std::vector<std::string> out;
    for (const RankedItem& item : r.items) out.emplace_back(snap->item_id(item.item));
    return out;
  };
  EXPECT_EQ(ids(Recommend({q, *snap, config_, {}, now_, nullptr, history}, scratch_)),
            (std::vector<std::string>{"niche", "popular"}));
  config_.ranking.repeat_slots = {};  // the blend ranks by the raw counts
  EXPECT_EQ(ids(Recommend({q, *snap, config_, {}, now_, nullptr, history}, scratch_)),
            (std::vector<std::string>{"popular", "niche"}));
}

TEST_F(RankerTest, RulesStillApplyToBothParts) {
  const std::vector<HistoryItem> history = {{"i10", 3, 1.0, 1 << 4, 3}, {"i08", 1, 0.6, 1 << 4, 2}};
  config_.ranking.repeat_slots = {RepeatSlots::kFixed, 2, 0, 200};
  std::vector<Rule> rules = {MakeRule(RuleAction::kBlock, {"i10"}, 1),
                             MakeRule(RuleAction::kPin, {"i05"}, 2)};
  RankResult r = Recommend({Request(4), *snap_, config_, rules, now_, nullptr, history}, scratch_);
  std::vector<std::string> ids = Ids(r);
  EXPECT_EQ(ids[0], "i05");  // the pin first, its slot taken from the k
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"i01", "i02", "i05", "i08"}));
  EXPECT_EQ(r.trace.repeat_slots, 1);  // i10 blocked: the part ran short
}

TEST_F(RankerTest, HistWeightForAnUnknownUserWarns) {
  RecommendRequest q = Request(3);
  q.weights.hist = 1;
  RankResult r = Run(q);
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_EQ(r.warnings[0].code, "SIGNAL_UNAVAILABLE");
  EXPECT_EQ(r.items.size(), 3u);
}

TEST_F(RankerTest, BlockRemovesAndReleasesThePinSlot) {
  config_.ranking.max_pins = 1;
  std::vector<Rule> rules = {MakeRule(RuleAction::kPin, {"i09", "i08"}, 1),
                             MakeRule(RuleAction::kBlock, {"i09", "i01"}, 0)};
  RankResult r = Run(Request(3), rules);
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"i08", "i02", "i03"}));
  EXPECT_EQ(r.trace.blocked, 2);  // both were popularity candidates
}

TEST_F(RankerTest, TagBlockAndBrandPin) {
  Rule block;
  block.id = "b";
  block.action = RuleAction::kBlock;
  block.target = RuleTarget::kTag;
  block.tag = "promo";
  Rule pin;
  pin.id = "p";
  pin.action = RuleAction::kPin;
  pin.target = RuleTarget::kCategory;
  pin.tag = "category:y";
  pin.max_pins = 2;
  RankResult r = Run(Request(4), {block, pin});
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"i06", "i07", "i01", "i02"}));
}

TEST_F(RankerTest, BoostMultipliesAndMayInject) {
  Rule boost = MakeRule(RuleAction::kBoost, {"i05"});
  boost.boost_value = 1.0;  // doubles its score
  EXPECT_EQ(Ids(Run(Request(1), {boost}))[0], "i05");

  RecommendRequest q = Request(1);
  q.weights.pop = 0;  // every score is 0: a boost sets it to boost_value
  boost.boost_value = 0.3;
  RankResult r = Run(q, {boost});
  EXPECT_EQ(Ids(r)[0], "i05");
  EXPECT_DOUBLE_EQ(r.items[0].score, 0.3);
  EXPECT_TRUE(r.items[0].reasons & kReasonBoost);
}

TEST_F(RankerTest, RulesHonourSurfaceSegmentWindowAndEnabledFlag) {
  Rule pin = MakeRule(RuleAction::kPin, {"i10"});
  auto first = [&](Rule rule) { return Ids(Run(Request(1), {rule}))[0]; };
  EXPECT_EQ(first(pin), "i10");
  Rule other = pin;
  other.surface = "pdp";
  EXPECT_EQ(first(other), "i01");
  other = pin;
  other.segment = "vip";
  EXPECT_EQ(first(other), "i01");
  other = pin;
  other.enabled = false;
  EXPECT_EQ(first(other), "i01");
  other = pin;
  other.valid_from = now_ + 1;
  EXPECT_EQ(first(other), "i01");
  other = pin;
  other.valid_until = now_;  // half-open window: until is excluded
  EXPECT_EQ(first(other), "i01");
  other = pin;
  other.valid_from = now_;
  EXPECT_EQ(first(other), "i10");
  config_.enable_rules = false;
  EXPECT_EQ(first(pin), "i01");
}

TEST_F(RankerTest, CapsCountPinsAndMaxPerTag) {
  config_.ranking.brand_cap = 1;
  std::vector<Rule> rules = {MakeRule(RuleAction::kPin, {"i09"})};  // brand a
  RankResult r = Run(Request(4), rules);
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"i09", "i02"}));  // one per brand, pin counted

  config_.ranking.brand_cap = 0;
  config_.ranking.category_cap = 2;
  EXPECT_EQ(Ids(Run(Request(10))).size(), 4u);

  config_.ranking.category_cap = 0;
  RecommendRequest q = Request(10);
  q.max_per_tag = {{"category:x", 1}, {"regular", 3}};
  EXPECT_EQ(Ids(Run(q)), (std::vector<std::string>{"i01", "i06", "i07"}));
}

TEST_F(RankerTest, MmrPrefersDiverseTags) {
  config_.ranking.mmr_lambda = 0.3;
  RankResult r = Run(Request(2));
  ASSERT_EQ(r.items.size(), 2u);
  EXPECT_EQ(Ids(r)[0], "i01");
  // i02 differs from i01 in brand only; i06 (brand b, category y) shares nothing but "regular".
  EXPECT_EQ(snap_->brand(r.items[1].item), snap_->FindTag("brand:b"));
  EXPECT_EQ(snap_->category(r.items[1].item), snap_->FindTag("category:y"));
}

TEST_F(RankerTest, TiesBreakByIdOrBySeed) {
  SnapshotBuilder b(kToday, 30);
  for (const char* id : {"c", "a", "d", "b"}) b.AddPopularity(id, kToday, 1);
  auto flat = b.Build();
  RecommendRequest q = Request(4);
  auto ids = [&](const RecommendRequest& req) {
    std::vector<std::string> out;
    for (auto& item : Recommend({req, *flat, config_, {}, now_}, scratch_).items) {
      out.emplace_back(flat->item_id(item.item));
    }
    return out;
  };
  EXPECT_EQ(ids(q), (std::vector<std::string>{"a", "b", "c", "d"}));
  q.seed = 7;
  const auto seeded = ids(q);
  EXPECT_EQ(ids(q), seeded);  // stable per seed
  bool differs = false;
  for (int64_t s = 1; s < 20 && !differs; ++s) {
    q.seed = s;
    differs = ids(q) != seeded;
  }
  EXPECT_TRUE(differs);
}

TEST_F(RankerTest, SimilarUsesNeighboursThenTagsAndNeverTheItem) {
  RecommendRequest q = Request(4);
  q.item_id = "i01";
  RankResult r = Similar({q, *snap_, config_, {}, now_}, scratch_);
  auto ids = Ids(r);
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids[0], "i07");
  EXPECT_EQ(ids[1], "i09");
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "i01"), 0);
  EXPECT_GT(r.items[1].score, r.items[2].score);

  std::vector<Rule> rules = {MakeRule(RuleAction::kBlock, {"i07"}),
                             MakeRule(RuleAction::kPin, {"i10"})};
  ids = Ids(Similar({q, *snap_, config_, rules, now_}, scratch_));
  EXPECT_EQ(ids[0], "i09");  // blocked neighbour gone, pin ignored
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "i10"), 0);

  q.item_id = "nope";
  r = Similar({q, *snap_, config_, {}, now_}, scratch_);
  EXPECT_TRUE(r.items.empty());
  ASSERT_EQ(r.warnings.size(), 1u);
}

}  // namespace
}  // namespace recsys
