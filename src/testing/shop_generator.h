// A synthetic shop with planted structure, for quality tests and benchmarks (issue 8, part 7):
//  - staples: every user has three items bought again every few days;
//  - bundles: items bought together in one session;
//  - browse -> buy funnels: sessions walk a chain of four items in order (view, view, view,
//    purchase), fewer going on at each step, so what comes *next* differs from what co-occurs;
//  - popularity drift: trending items change from day to day, viewed by random users.
// Deterministic for a seed. Training days end before the held-back days; the held-back part is
// returned as ground truth instead of events.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/time.h"

namespace recsys::testing {

struct ShopOptions {
  uint64_t seed = 1;
  int users = 1500;
  int days = 21;         // training days, ending the day before the held-back ones
  int heldout_days = 2;  // the last of them is today
  TimestampUs now = 0;   // "today": the held-back days end here
};

struct ShopData {
  std::vector<std::string> catalog;  // JSON Lines for PUT /v1/catalog/items
  std::vector<std::string> events;   // JSON Lines for POST /v1/events (training days)
  // Per user, the items bought on the held-back days.
  std::map<std::string, std::vector<std::string>> heldout_purchases;
  // Held-back funnel steps: after `anchor`, the session went on to `next`.
  std::vector<std::pair<std::string, std::string>> heldout_steps;
};

ShopData GenerateShop(const ShopOptions& options);

}  // namespace recsys::testing
