// The one rule that makes a co-visitation or sequence list, shared by the snapshot builder and
// the live layer: the parts of a neighbour (days, the base list, live pairs) are summed, and the
// top kMaxNeighbours sums are kept, score descending, ties by neighbour id ascending.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>

#include "core/snapshot.h"

namespace recsys {

// Sums the scores of repeated items in [first, last) (SignalSnapshot::Neighbour elements) and
// moves the top kMaxNeighbours sums to the front in the order above, `id_of(item)` giving an
// item's id (a std::string_view) for ties. Returns the end of the kept ones; what lies between
// it and `last` is unspecified. Pure.
template <typename It, typename IdOf>
It SumAndKeepTopNeighbours(It first, It last, IdOf&& id_of) {
  using Neighbour = SignalSnapshot::Neighbour;
  if (first == last) return last;
  std::sort(first, last, [](const Neighbour& x, const Neighbour& y) { return x.item < y.item; });
  It summed = first;
  for (It it = std::next(first); it != last; ++it) {
    if (it->item == summed->item) {
      summed->score += it->score;
    } else {
      *++summed = *it;
    }
  }
  last = std::next(summed);
  const auto keep = std::min<std::ptrdiff_t>(std::distance(first, last), kMaxNeighbours);
  std::partial_sort(first, first + keep, last, [&id_of](const Neighbour& x, const Neighbour& y) {
    if (x.score != y.score) return x.score > y.score;
    return id_of(x.item) < id_of(y.item);
  });
  return first + keep;
}

}  // namespace recsys
