#include "testing/shop_generator.h"

#include <algorithm>
#include <cstdio>
#include <random>

namespace recsys::testing {
namespace {

constexpr int kStaples = 60;    // items 0..59
constexpr int kBundles = 80;    // 3 items each: 60..299
constexpr int kChains = 45;     // 4 items each: 300..479
constexpr int kTrending = 120;  // 480..599
constexpr int kItems = 600;
constexpr TimestampUs kMinute = 60LL * 1000000;
constexpr TimestampUs kDay = 86400LL * 1000000;

std::string ItemId(int i) {
  char id[16];
  std::snprintf(id, sizeof id, "sku-%04d", i);
  return id;
}

int BundleItem(int bundle, int k) { return kStaples + bundle * 3 + k; }
int ChainItem(int chain, int step) { return kStaples + kBundles * 3 + chain * 4 + step; }

class Generator {
 public:
  Generator(const ShopOptions& options, ShopData& out)
      : options_(options), out_(out), rng_(options.seed) {}

  void Run() {
    for (int i = 0; i < kItems; ++i) {
      const char* kind = i < kStaples ? "staple"
                         : i < 300    ? "bundle"
                         : i < 480    ? "funnel"
                                      : "trend";
      out_.catalog.push_back(R"({"item_id": ")" + ItemId(i) + R"(", "tags": ["category:)" + kind +
                             R"(", "brand:b)" + std::to_string(i % 17) + R"("], "price": 10})");
    }
    std::vector<std::vector<int>> staples(options_.users);
    for (auto& s : staples) {
      for (int k = 0; k < 3; ++k) s.push_back(Uniform(0, kStaples - 1));
    }
    const int total_days = options_.days + options_.heldout_days;
    const TimestampUs first_day = (options_.now / kDay - total_days + 1) * kDay;
    for (int d = 0; d < total_days; ++d) {
      const bool heldout = d >= options_.days;
      const TimestampUs day = first_day + d * kDay;
      for (int u = 0; u < options_.users; ++u) UserDay(u, staples[u], day, d, heldout);
    }
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // Times stay before options_.now: the last held-back day is today.
  TimestampUs At(TimestampUs day, int minute) const {
    return std::min(day + (8 * 60 + minute) * kMinute, options_.now - kMinute);
  }

  void Emit(int user, const std::string& session, const char* type, int item, TimestampUs at,
            bool heldout) {
    const std::string user_id =
        "user-" + std::to_string(options_.seed) + "-" + std::to_string(user);
    if (heldout) {
      if (std::string(type) == "purchase") out_.heldout_purchases[user_id].push_back(ItemId(item));
      return;
    }
    out_.events.push_back(R"({"event_id": "e)" + std::to_string(out_.events.size()) +
                          R"(", "occurred_at": ")" + FormatRfc3339(at) + R"(", "user_id": ")" +
                          user_id + R"(", "session_id": ")" + session + R"(", "event_type": ")" +
                          type + R"(", "item_id": ")" + ItemId(item) + R"("})");
  }

  void UserDay(int u, const std::vector<int>& staples, TimestampUs day, int d, bool heldout) {
    const std::string session = std::string("s") + std::to_string(u) + "-" + std::to_string(d);
    int minute = Uniform(0, 600);
    if (Chance(0.45)) {  // a staple, bought again
      const int item = staples[Uniform(0, 2)];
      Emit(u, session, "view", item, At(day, minute++), heldout);
      Emit(u, session, "purchase", item, At(day, minute++), heldout);
    }
    if (Chance(0.25)) {  // a bundle, bought together
      const int bundle = (u * 7 + d / 4) % kBundles;
      for (int k = 0; k < 3; ++k) {
        if (k == 2 && Chance(0.5)) break;
        Emit(u, session, "purchase", BundleItem(bundle, (k + d) % 3), At(day, minute++), heldout);
      }
    }
    if (Chance(0.3)) Funnel(u, session + "f", day, minute, heldout);
    // Popularity drift: today's trending items, seen by anybody.
    for (int n = Uniform(0, 3); n > 0; --n) {
      const int trending =
          kStaples + kBundles * 3 + kChains * 4 + (d * 5 + Uniform(0, 9)) % kTrending;
      Emit(u, session + "t", Chance(0.2) ? "purchase" : "view", trending, At(day, minute++),
           heldout);
    }
  }

  // Views chain[0], chain[1], ... going on with probability 0.6 at each step; the last is bought.
  void Funnel(int u, const std::string& session, TimestampUs day, int minute, bool heldout) {
    const int chain = Uniform(0, kChains - 1);
    for (int step = 0; step < 4; ++step) {
      const bool last = step == 3;
      Emit(u, session, last ? "purchase" : "view", ChainItem(chain, step), At(day, minute + step),
           heldout);
      if (last || !Chance(0.6)) break;
      if (heldout && step >= 1) {
        out_.heldout_steps.push_back(
            {ItemId(ChainItem(chain, step)), ItemId(ChainItem(chain, step + 1))});
      }
    }
  }

  const ShopOptions& options_;
  ShopData& out_;
  std::mt19937_64 rng_;
};

}  // namespace

ShopData GenerateShop(const ShopOptions& options) {
  ShopData data;
  Generator(options, data).Run();
  return data;
}

}  // namespace recsys::testing
