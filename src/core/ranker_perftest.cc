// Recommend's CPU per call, alone: no HTTP, no JSON, no PostgreSQL. The snapshot has bench/run's
// shape (items in popularity order with Zipf-like weights, a brand of 300 and a category of 200
// each, 10 co-visitation neighbours, half of them among the 10k most popular) and the requests are
// bench/recommend.lua's kinds, 1,000 of each, cycled:
//
//   build/release/ranker_perftest --benchmark_out=FILE --benchmark_out_format=json
//
// RECSYS_PERF_ITEMS sets the item count (default 1,000,000). bench/run runs it and keeps FILE.
// The `live/` cases rank the same requests with a live layer of today's events on top
// (core/live_signals.h): 100,000 events in sessions of five, items chosen as the requests' are.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/live_signals.h"
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
  b.SetThroughDay(kToday - 1);  // a base: today is the live layer's
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

const std::shared_ptr<const SignalSnapshot>& SharedSnapshot() {
  static const std::shared_ptr<const SignalSnapshot> snapshot = BenchShapedSnapshot(ItemCount());
  return snapshot;
}

const SignalSnapshot& Snapshot() { return *SharedSnapshot(); }

const LiveSignals& Live() {
  static const std::unique_ptr<LiveSignals> live = [] {
    LiveParams params;
    params.event_weights = {0, 1, 2, 3, 5};
    auto layer = std::make_unique<LiveSignals>(params, SharedSnapshot());
    const long items = ItemCount();
    SplitMix64 random(99);
    std::vector<std::string> ids, sessions;
    for (int e = 0; e < 100000; ++e) {
      ids.push_back(ItemId(static_cast<long>(std::exp(random.Uniform() * std::log(items)))));
      sessions.push_back("s:" + std::to_string(e / 5));
    }
    std::vector<LiveEvent> events;
    for (int e = 0; e < 100000; ++e) {
      events.push_back({ids[e], sessions[e], static_cast<EventType>(1 + random.Below(4)),
                        static_cast<TimestampUs>(kToday) * 86400 * 1000000 + e * 100000LL, e});
    }
    for (size_t at = 0; at < events.size(); at += 100) {
      layer->Apply(std::span<const LiveEvent>(events).subspan(at, 100));
    }
    return layer;
  }();
  return *live;
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

void BM_Recommend(benchmark::State& state, Kind kind, bool live) {
  const SignalSnapshot& snapshot = Snapshot();
  std::optional<LiveSignals::View> view;
  if (live) view.emplace(Live().Read());
  SplitMix64 random(static_cast<uint64_t>(kind) + 7);
  std::vector<RecommendRequest> requests;
  for (int i = 0; i < kRequestsPerKind; ++i) requests.push_back(MakeRequest(kind, i, random));
  const TenantConfig config;
  const std::vector<Rule> rules;
  const TimestampUs now = static_cast<TimestampUs>(kToday) * 86400 * 1000000 + 3600000000LL;
  RankScratch scratch;
  size_t next = 0;
  for (auto _ : state) {
    RankInput input{requests[next], snapshot, config, rules, now};
    input.live = view ? &*view : nullptr;
    const RankResult result = Recommend(input, scratch);
    benchmark::DoNotOptimize(result.items.data());
    next = (next + 1) % requests.size();
  }
}

BENCHMARK_CAPTURE(BM_Recommend, popularity, Kind::kPopularity, false)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Recommend, anchors, Kind::kAnchors, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Recommend, tag_constraints, Kind::kTagConstraints, false)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Recommend, exclude_ids, Kind::kExcludeIds, false)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Recommend, live / popularity, Kind::kPopularity, true)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Recommend, live / anchors, Kind::kAnchors, true)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Recommend, live / tag_constraints, Kind::kTagConstraints, true)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Recommend, live / exclude_ids, Kind::kExcludeIds, true)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace recsys

BENCHMARK_MAIN();
