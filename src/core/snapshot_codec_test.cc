#include "core/snapshot_codec.h"

#include <gtest/gtest.h>

#include <string>

#include "testing/numbered.h"

namespace recsys {
namespace {

using testing::Numbered;

std::shared_ptr<const SignalSnapshot> Sample() {
  SnapshotBuilder builder(100, 14);
  for (int i = 0; i < 50; ++i) {
    const std::string id = Numbered("item", i);
    builder.AddPopularity(id, 100 - i % 3, 1 + i % 7);
    builder.AddTags(id, {i % 2 ? "brand:a" : "brand:b", "category:" + std::to_string(i % 5)});
    builder.AddCovisit(id, Numbered("item", (i * 7) % 50), 2);
    builder.AddSequence(id, Numbered("item", (i + 1) % 50), 1);
  }
  return builder.Build();
}

std::string Encode(const SignalSnapshot& s) {
  std::string out;
  EncodeSnapshot(s, [&out](std::string_view bytes) { out.append(bytes); });
  return out;
}

TEST(SnapshotCodecTest, DecodedSnapshotAnswersEveryQueryAsTheOriginal) {
  auto original = Sample();
  const std::string bytes = Encode(*original) + "next";
  std::string_view in = bytes;
  auto decoded = DecodeSnapshot(&in);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(in, "next");  // consumed exactly one snapshot
  const SignalSnapshot& a = *original;
  const SignalSnapshot& b = *decoded.value();
  ASSERT_EQ(b.item_count(), a.item_count());
  ASSERT_EQ(b.tag_count(), a.tag_count());
  EXPECT_EQ(b.reference_day(), a.reference_day());
  EXPECT_EQ(b.half_life_days(), a.half_life_days());
  for (ItemIndex i = 0; i < a.item_count(); ++i) {
    EXPECT_EQ(b.item_id(i), a.item_id(i));
    EXPECT_EQ(b.Find(a.item_id(i)), i);
    EXPECT_EQ(b.popularity(i), a.popularity(i));
    EXPECT_EQ(b.PopularityAt(i, 120), a.PopularityAt(i, 120));
    EXPECT_EQ(b.by_popularity()[i], a.by_popularity()[i]);
    ASSERT_EQ(b.neighbours(i).size(), a.neighbours(i).size());
    ASSERT_EQ(b.successors(i).size(), a.successors(i).size());
    ASSERT_EQ(b.tags(i).size(), a.tags(i).size());
    EXPECT_EQ(b.brand(i), a.brand(i));
    EXPECT_EQ(b.category(i), a.category(i));
  }
  for (TagIndex t = 0; t < a.tag_count(); ++t) {
    EXPECT_EQ(b.FindTag(a.tag_name(t)), t);
    ASSERT_EQ(b.posting(t).size(), a.posting(t).size());
  }
  EXPECT_EQ(b.Find("absent"), std::nullopt);
}

TEST(SnapshotCodecTest, RefusesEveryTruncationAndEveryFlippedByteItCannotTrust) {
  const std::string bytes = Encode(*Sample());
  for (size_t cut = 0; cut < bytes.size(); cut += 7) {
    std::string_view in(bytes.data(), cut);
    EXPECT_FALSE(DecodeSnapshot(&in).ok()) << "accepted the first " << cut << " bytes";
  }
  // A flipped byte either still decodes into a self-consistent snapshot (a changed score, say:
  // the file's checksum catches those) or is refused; it must never crash or read out of bounds,
  // which the sanitizer builds check.
  for (size_t at = 0; at < bytes.size(); ++at) {
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
    std::string_view in = damaged;
    auto decoded = DecodeSnapshot(&in);
    if (!decoded.ok()) continue;
    const SignalSnapshot& s = *decoded.value();
    for (ItemIndex i = 0; i < s.item_count(); ++i) {
      for (const auto& n : s.neighbours(i)) ASSERT_LT(n.item, s.item_count());
      for (TagIndex t : s.tags(i)) ASSERT_LT(t, s.tag_count());
      (void)s.Find(s.item_id(i));
    }
  }
}

TEST(SnapshotCodecTest, AnEmptySnapshotRoundTrips) {
  const std::string bytes = Encode(*SnapshotBuilder(7, 30).Build());
  std::string_view in = bytes;
  auto decoded = DecodeSnapshot(&in);
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded.value()->empty());
  EXPECT_EQ(decoded.value()->reference_day(), 7);
}

}  // namespace
}  // namespace recsys
