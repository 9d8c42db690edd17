#include "core/day_signals.h"

#include <algorithm>

namespace recsys {
namespace {

constexpr size_t kMaxSessionItems = 50;  // co-visitation: a session's first 50 distinct items
constexpr int kSequenceReach = 3;        // sequences: the next 3 items
constexpr uint32_t kSixths = 6;          // 1/gap for gaps 1..3 in whole sixths

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
  key_.assign(ns);
  key_.push_back('\x1f');
  const size_t ns_length = key_.size();
  key_.append(item_id);
  const uint32_t item = Intern(item_index_, key_);
  if (item == items_.size()) items_.push_back({std::string(ns), std::string(item_id)});
  key_.resize(ns_length);
  key_.append(session);
  rows_.push_back({Intern(session_index_, key_), item, type, at, id});
}

void DaySignals::Session(const Row* begin, const Row* end) {
  // Co-visitation: the first 50 distinct items by first occurrence (ties by item id, which rank
  // orders within a namespace, and a session has one namespace).
  std::vector<std::pair<TimestampUs, uint32_t>> firsts;
  std::vector<uint32_t> ordered;  // non-impression items' ranks in time order
  for (const Row* r = begin; r != end; ++r) {
    if (r->type == EventType::kImpression) continue;
    ordered.push_back(rank_[r->item]);
    if (seen_[r->item] != session_stamp_) {  // rows are in time order: this is its first
      seen_[r->item] = session_stamp_;
      firsts.push_back({r->at, rank_[r->item]});
    }
  }
  std::sort(firsts.begin(), firsts.end());
  if (firsts.size() > kMaxSessionItems) firsts.resize(kMaxSessionItems);
  for (const auto& [at_a, a] : firsts) {
    for (const auto& [at_b, b] : firsts) {
      if (a != b) covisit_.push_back(PairKey(a, b));
    }
  }
  // Sequences: collapse an item repeated in a row, then credit the next three at 1/gap.
  ordered.erase(std::unique(ordered.begin(), ordered.end()), ordered.end());
  for (size_t p = 0; p < ordered.size(); ++p) {
    for (int gap = 1; gap <= kSequenceReach && p + gap < ordered.size(); ++gap) {
      if (ordered[p + gap] != ordered[p]) {
        sequence_.push_back({PairKey(ordered[p], ordered[p + gap]), kSixths / gap});
      }
    }
  }
}

void DaySignals::Finish(std::vector<ItemScore>* popularity, std::vector<PairScore>* covisit,
                        std::vector<PairScore>* sequence) {
  std::vector<uint32_t> by_rank(items_.size());
  for (uint32_t i = 0; i < items_.size(); ++i) by_rank[i] = i;
  std::sort(by_rank.begin(), by_rank.end(), [this](uint32_t x, uint32_t y) {
    const Item& a = items_[x];
    const Item& b = items_[y];
    return a.ns != b.ns ? a.ns < b.ns : a.id < b.id;
  });
  rank_.resize(items_.size());
  for (uint32_t r = 0; r < by_rank.size(); ++r) rank_[by_rank[r]] = r;

  std::vector<double> sums(items_.size(), 0);
  for (const Row& r : rows_) sums[r.item] += weights_[static_cast<int>(r.type)];
  for (uint32_t item : by_rank) {
    if (sums[item] > 0) popularity->push_back({items_[item].ns, items_[item].id, sums[item]});
  }

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

  // Pairs in key order are in (namespace, item, neighbour) order: equal keys are summed.
  auto pair_row = [&](uint64_t key, double score) {
    const Item& a = items_[by_rank[key >> 32]];
    return PairScore{a.ns, a.id, items_[by_rank[key & 0xffffffffu]].id, score};
  };
  std::sort(covisit_.begin(), covisit_.end());
  for (size_t i = 0; i < covisit_.size();) {
    size_t j = i;
    while (j < covisit_.size() && covisit_[j] == covisit_[i]) ++j;
    covisit->push_back(pair_row(covisit_[i], static_cast<double>(j - i)));
    i = j;
  }
  std::sort(sequence_.begin(), sequence_.end());
  for (size_t i = 0; i < sequence_.size();) {
    uint32_t sixths = 0;
    size_t j = i;
    for (; j < sequence_.size() && sequence_[j].first == sequence_[i].first; ++j) {
      sixths += sequence_[j].second;
    }
    sequence->push_back(pair_row(sequence_[i].first, sixths / static_cast<double>(kSixths)));
    i = j;
  }
}

}  // namespace recsys
