// Recommend's CPU per call, alone: no HTTP, no JSON, no PostgreSQL. The snapshot has bench/run's
// shape (items in popularity order with Zipf-like weights, a brand of 300 and a category of 200
// each, 10 co-visitation neighbours, half of them among the 10k most popular) and the requests are
// bench/recommend.lua's kinds, 1,000 of each, cycled:
//
//   build/release/ranker_perftest --benchmark_out=FILE --benchmark_out_format=json
//
// RECSYS_PERF_ITEMS sets the item count (default 1,000,000). bench/run runs it and keeps FILE.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "core/random.h"
#include "core/ranker.h"

namespace recsys {
namespace {

constexpr int32_t kToday = 20000;
constexpr int kRequestsPerKind = 1000;

long ItemCount() {
  const char* env = std::getenv("RECSYS_PERF_ITEMS");
  return env != nullptr ? std::atol(env) : 1000000;
}

std::string ItemId(long n) {
  char id[32];
  std::snprintf(id, sizeof id, "item-%07ld", n);
  return id;
}

std::string Numbered(const char* prefix, uint64_t n) {
  char tag[24];
  std::snprintf(tag, sizeof tag, "%s%03lu", prefix, static_cast<unsigned long>(n));
  return tag;
}

std::shared_ptr<const SignalSnapshot> BenchShapedSnapshot(long items) {
  SnapshotBuilder b(kToday, 30);
  SplitMix64 random(1);
  for (long i = 1; i <= items; ++i) {
    b.AddTags(ItemId(i),
              {Numbered("brand:b", random.Below(300)), Numbered("category:c", random.Below(200))});
  }
  for (long i = 1; i <= items; ++i) {
    const double weight = 1e6 / std::pow(static_cast<double>(i), 1.1);
    for (int d = 0; d < 10; ++d) {
      b.AddPopularity(ItemId(i), kToday - (i * 7 + d * 3) % 30, weight * (0.5 + random.Uniform()));
    }
  }
  const long popular = std::min(items, 10000L);
  for (long i = 1; i <= items; ++i) {
    for (int j = 0; j < 10; ++j) {
      const long n = static_cast<long>(random.Below(j < 5 ? popular : items)) + 1;
      if (n != i) b.AddCovisit(ItemId(i), ItemId(n), 1 + static_cast<double>(random.Below(20)));
    }
  }
  return b.Build();
}

const SignalSnapshot& Snapshot() {
  static const std::shared_ptr<const SignalSnapshot> snapshot = BenchShapedSnapshot(ItemCount());
  return *snapshot;
}

enum class Kind { kPopularity, kAnchors, kTagConstraints, kExcludeIds };

// bench/recommend.lua's request of kind `kind`, number i.
RecommendRequest MakeRequest(Kind kind, int i, SplitMix64& random) {
  const long items = ItemCount();
  // Zipf-ish: popular items far more often, as in the wrk script.
  auto zipfish = [&] {
    return ItemId(static_cast<long>(std::exp(random.Uniform() * std::log(items))));
  };
  RecommendRequest q;
  q.surface = "home";
  q.k = 10 + i % 41;
  q.user_id = "user-" + std::to_string(i);
  switch (kind) {
    case Kind::kPopularity:
      break;
    case Kind::kAnchors:
      for (int a = 0; a <= i % 5; ++a) q.anchor_ids.push_back(zipfish());
      break;
    case Kind::kTagConstraints:
      q.required_tags = {Numbered("category:c", i % 200)};
      q.forbidden_tags = {Numbered("brand:b", i % 300)};
      break;
    case Kind::kExcludeIds:
      for (int e = 0; e < 100; ++e) q.exclude_ids.push_back(zipfish());
      break;
  }
  return q;
}

void BM_Recommend(benchmark::State& state, Kind kind) {
  const SignalSnapshot& snapshot = Snapshot();
  SplitMix64 random(static_cast<uint64_t>(kind) + 7);
  std::vector<RecommendRequest> requests;
  for (int i = 0; i < kRequestsPerKind; ++i) requests.push_back(MakeRequest(kind, i, random));
  const TenantConfig config;
  const std::vector<Rule> rules;
  const TimestampUs now = static_cast<TimestampUs>(kToday) * 86400 * 1000000 + 3600000000LL;
  RankScratch scratch;
  size_t next = 0;
  for (auto _ : state) {
    const RankResult result = Recommend({requests[next], snapshot, config, rules, now}, scratch);
    benchmark::DoNotOptimize(result.items.data());
    next = (next + 1) % requests.size();
  }
}

BENCHMARK_CAPTURE(BM_Recommend, popularity, Kind::kPopularity)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Recommend, anchors, Kind::kAnchors)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Recommend, tag_constraints, Kind::kTagConstraints)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Recommend, exclude_ids, Kind::kExcludeIds)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace recsys

BENCHMARK_MAIN();
