#include "core/day_signals.h"

#include <algorithm>

namespace recsys {
namespace {

constexpr size_t kMaxSessionItems = 50;  // co-visitation: a session's first 50 distinct items
constexpr int kSequenceReach = 3;        // sequences: the next 3 items

uint64_t PairKey(uint32_t a, uint32_t b) { return (static_cast<uint64_t>(a) << 32) | b; }

}  // namespace

DaySignals::DaySignals(const double* event_weights) {
  std::copy(event_weights, event_weights + kEventTypeCount, weights_);
}

uint32_t DaySignals::Intern(
    std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>>& index,
    std::string_view key) {
  auto it = index.find(key);
  if (it != index.end()) return it->second;
  const auto value = static_cast<uint32_t>(index.size());
  index.emplace(std::string(key), value);
  return value;
}

void DaySignals::Add(std::string_view ns, std::string_view item_id, std::string_view session,
                     EventType type, TimestampUs at, int64_t id) {
  std::string key(ns);
  key.push_back('\x1f');
  const size_t ns_length = key.size();
  key.append(item_id);
  const uint32_t item = Intern(item_index_, key);
  if (item == items_.size()) items_.push_back({std::string(ns), std::string(item_id)});
  key.resize(ns_length);
  key.append(session);
  rows_.push_back({Intern(session_index_, key), item, type, at, id});
}

void DaySignals::Session(const Row* begin, const Row* end) {
  // Co-visitation: the first 50 distinct items by first occurrence (ties by item id).
  std::vector<std::pair<TimestampUs, uint32_t>> firsts;
  std::vector<uint32_t> ordered;  // non-impression items in time order
  for (const Row* r = begin; r != end; ++r) {
    if (r->type == EventType::kImpression) continue;
    ordered.push_back(r->item);
    if (seen_[r->item] != session_stamp_) {  // rows are in time order: this is its first
      seen_[r->item] = session_stamp_;
      firsts.push_back({r->at, r->item});
    }
  }
  std::sort(firsts.begin(), firsts.end(), [this](const auto& x, const auto& y) {
    return x.first != y.first ? x.first < y.first : items_[x.second].id < items_[y.second].id;
  });
  if (firsts.size() > kMaxSessionItems) firsts.resize(kMaxSessionItems);
  for (const auto& [at_a, a] : firsts) {
    for (const auto& [at_b, b] : firsts) {
      if (a != b) covisit_[PairKey(a, b)] += 1;
    }
  }
  // Sequences: collapse an item repeated in a row, then credit the next three at 1/gap.
  ordered.erase(std::unique(ordered.begin(), ordered.end()), ordered.end());
  for (size_t p = 0; p < ordered.size(); ++p) {
    for (int gap = 1; gap <= kSequenceReach && p + gap < ordered.size(); ++gap) {
      if (ordered[p + gap] != ordered[p])
        sequence_[PairKey(ordered[p], ordered[p + gap])] += 1.0 / gap;
    }
  }
}

void DaySignals::Finish(std::vector<ItemScore>* popularity, std::vector<PairScore>* covisit,
                        std::vector<PairScore>* sequence) {
  std::vector<double> sums(items_.size(), 0);
  for (const Row& r : rows_) sums[r.item] += weights_[static_cast<int>(r.type)];
  std::sort(rows_.begin(), rows_.end(), [](const Row& x, const Row& y) {
    if (x.session != y.session) return x.session < y.session;
    return x.at != y.at ? x.at < y.at : x.id < y.id;
  });
  seen_.assign(items_.size(), 0);
  for (size_t start = 0; start < rows_.size();) {
    ++session_stamp_;
    size_t end = start;
    while (end < rows_.size() && rows_[end].session == rows_[start].session) ++end;
    Session(rows_.data() + start, rows_.data() + end);
    start = end;
  }
  for (uint32_t i = 0; i < items_.size(); ++i) {
    if (sums[i] > 0) popularity->push_back({items_[i].ns, items_[i].id, sums[i]});
  }
  std::sort(popularity->begin(), popularity->end(), [](const ItemScore& x, const ItemScore& y) {
    return x.ns != y.ns ? x.ns < y.ns : x.item < y.item;
  });
  for (auto [map, out] : {std::pair{&covisit_, covisit}, std::pair{&sequence_, sequence}}) {
    out->reserve(map->size());
    for (const auto& [key, score] : *map) {
      const Item& a = items_[key >> 32];
      out->push_back({a.ns, a.id, items_[key & 0xffffffffu].id, score});
    }
    std::sort(out->begin(), out->end(), [](const PairScore& x, const PairScore& y) {
      if (x.ns != y.ns) return x.ns < y.ns;
      return x.item != y.item ? x.item < y.item : x.neighbour < y.neighbour;
    });
  }
}

}  // namespace recsys
