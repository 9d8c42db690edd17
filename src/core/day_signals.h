// One day of one tenant's events aggregated into the three daily signals, exactly as ranking.md
// ("Building signals from events") defines them: the C++ twin of the signal builder's SQL, for the
// streaming build method. A session is the event's session key as the builder gives it (session
// id, else user key); sessions never span namespaces. Impressions count for popularity only
// through their weight and never pair items. Not thread-safe; single use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/event.h"
#include "core/snapshot.h"
#include "core/string_hash.h"
#include "core/time.h"

namespace recsys {

class DaySignals {
 public:
  // `event_weights` by EventType (SignalParams::event_weights); copied.
  explicit DaySignals(const double* event_weights);

  void Add(std::string_view ns, std::string_view item_id, std::string_view session, EventType type,
           TimestampUs at, int64_t id);

  struct ItemScore {
    std::string_view ns, item;
    double score;
  };
  struct PairScore {
    std::string_view ns, item, neighbour;
    double score;
  };
  // Computes the signals; rows are sorted by namespace, item (and neighbour). The views stay valid
  // while this object lives. Popularity rows with a zero sum are left out.
  void Finish(std::vector<ItemScore>* popularity, std::vector<PairScore>* covisit,
              std::vector<PairScore>* sequence);

 private:
  struct Item {
    std::string ns, id;
  };
  struct Row {
    uint32_t session, item;
    EventType type;
    TimestampUs at;
    int64_t id;
  };
  uint32_t Intern(std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>>& index,
                  std::string_view key);
  // Appends the session's co-visitation and sequence contributions, keyed by item ranks.
  void Session(const Row* begin, const Row* end);

  double weights_[kEventTypeCount];
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> item_index_,
      session_index_;
  std::vector<Item> items_;
  std::vector<Row> rows_;
  // Set by Finish: items' positions in (namespace, id) order, so that pairs sort as integers.
  std::vector<uint32_t> rank_;
  // One entry per pair occurrence, (rank << 32 | neighbour rank); sequences in the low bits of a
  // second word: the gap's credit in sixths (1/1, 1/2, 1/3 of six).
  std::vector<uint64_t> covisit_;
  std::vector<std::pair<uint64_t, uint32_t>> sequence_;
  std::vector<uint32_t> seen_;  // per item: the last session stamp it was seen in
  uint32_t session_stamp_ = 0;
  std::string key_;  // Add's lookup key, reused
};

}  // namespace recsys
