// Quality you can see (issue 8, part 7): a synthetic shop with planted structure is imported with
// the CLI, signals are built, and recommendations served over HTTP are scored against the
// held-back days, for several seeds.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "core/time.h"
#include "core/uuid.h"
#include "testing/http_client.h"
#include "testing/serve_process.h"
#include "testing/shop_generator.h"
#include "testing/shop_import.h"
#include "testing/test_db.h"

namespace recsys {
namespace {

using testing::QueryOne;

constexpr int kSeeds = 3;

class QualityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TestDatabase::Create("quality");
    ASSERT_NE(db_, nullptr);
    dir_ = "/tmp/recsys-quality-" + NewUuidV4();
    ASSERT_EQ(testing::RunShell("mkdir -p " + dir_), 0);
  }
  void TearDown() override { testing::RunShell("rm -rf " + dir_); }

  int Cli(const std::string& args) {
    std::string out;
    const int code = testing::RunRecsys(db_->url(), args, &out, testing::kUserKeySecret);
    if (code != 0) ADD_FAILURE() << args << ": " << out;
    return code;
  }

  // The item ids recommended for `body` (a /v1/recommend request for tenant `tenant`).
  std::vector<std::string> Recommend(testing::ServeProcess& serve, const std::string& tenant,
                                     const std::string& body) {
    testing::HttpResult r = serve.Post("/v1/recommend", body,
                                       {{"X-Dev-User-Id", "eval"},
                                        {"X-Dev-Org-Id", tenant},
                                        {"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ids;
    if (r.status != 200) return ids;
    auto doc = testing::ParseJson(r.body);
    for (const auto& item : doc["items"].GetArray()) ids.emplace_back(item["item_id"].GetString());
    return ids;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::string dir_;
};

TEST_F(QualityTest, HistoryAndCoVisitationBeatPopularityAndSequencesBeatCoVisitation) {
  std::vector<testing::ShopData> shops;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    testing::ShopOptions options;
    options.seed = static_cast<uint64_t>(seed);
    options.now = NowUs();
    shops.push_back(testing::GenerateShop(options));
    const std::string tenant = "shop-" + std::to_string(seed);
    ASSERT_TRUE(testing::ImportShop(db_->url(), tenant, shops.back(), dir_));
  }
  ASSERT_EQ(Cli("signals build"), 0);
  testing::ServeProcess serve(db_->url(), {{"RECSYS_SIGNAL_BUILD_ENABLED", "false"}});

  for (int seed = 1; seed <= kSeeds; ++seed) {
    const std::string tenant = "shop-" + std::to_string(seed);
    const testing::ShopData& shop = shops[seed - 1];
    // Held-back purchases: a hit is any of them in the top 10, for the user id alone.
    int users = 0, pop_hits = 0, blend_hits = 0;
    for (const auto& [user, bought] : shop.heldout_purchases) {
      const std::set<std::string> truth(bought.begin(), bought.end());
      auto hit = [&](const std::string& weights) {
        for (const std::string& id :
             Recommend(serve, tenant,
                       R"({"surface": "default", "k": 10, "user": {"user_id": ")" + user +
                           R"("}, "weights": )" + weights + "}")) {
          if (truth.count(id)) return 1;
        }
        return 0;
      };
      ++users;
      pop_hits += hit(R"({"pop": 1})");
      blend_hits += hit(R"({"pop": 0.1, "hist": 1, "cooc": 1})");
      if (users >= 400) break;
    }
    // Funnel steps: after the anchor, is the next step the top item?
    int steps = 0, cooc_hits = 0, seq_hits = 0;
    for (const auto& [anchor, next] : shop.heldout_steps) {
      auto top_is_next = [&](const std::string& weights) {
        auto ids = Recommend(serve, tenant,
                             R"({"surface": "default", "k": 1, "user": {"user_id": "probe"},
                                 "anchors": {"item_ids": [")" +
                                 anchor + R"("]}, "weights": )" + weights + "}");
        return !ids.empty() && ids[0] == next ? 1 : 0;
      };
      ++steps;
      cooc_hits += top_is_next(R"({"pop": 0, "cooc": 1})");
      seq_hits += top_is_next(R"({"pop": 0, "seq": 1})");
      if (steps >= 300) break;
    }
    const double pop_rate = static_cast<double>(pop_hits) / users;
    const double blend_rate = static_cast<double>(blend_hits) / users;
    const double cooc_rate = static_cast<double>(cooc_hits) / steps;
    const double seq_rate = static_cast<double>(seq_hits) / steps;
    std::printf(
        "seed %d: hit@10 over %d users: popularity %.3f, hist+cooc %.3f; next-step hit@1 "
        "over %d steps: cooc %.3f, seq %.3f\n",
        seed, users, pop_rate, blend_rate, steps, cooc_rate, seq_rate);
    ASSERT_GT(users, 100);
    ASSERT_GT(steps, 50);
    EXPECT_GT(blend_rate, pop_rate + 0.2) << "seed " << seed;
    EXPECT_GT(blend_rate, 1.5 * pop_rate) << "seed " << seed;
    EXPECT_GT(seq_rate, cooc_rate + 0.3) << "seed " << seed;
  }
}

}  // namespace
}  // namespace recsys
