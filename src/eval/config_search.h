// Coordinate ascent over config settings (issue 23, `eval tune`): from a start document, each
// round tries every value of every axis in turn, the others held at the best so far, and keeps a
// change only when it scores higher; it stops after a round that changed nothing or after
// `max_rounds`. Ascent stops at the first point no single change improves, which need not be the
// best, so `MultiStartAscent` climbs from several starts (the configs a person would hand-pick)
// and keeps the best: every start is itself a candidate, and may climb over axes of its own.
// Deterministic for a deterministic
// scorer. Pure: documents are strings, and the caller says how a value is set (`Setter`) and how
// documents score (`BatchScorer`, called once per axis with every value's document, so that the
// caller can evaluate them together).
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace recsys::eval {

struct SearchAxis {
  std::string path;                 // a dotted setting, e.g. "ranking.repeat_slots"
  std::vector<std::string> values;  // as the Setter takes them
};

// `json` with `path` set to `value`.
using Setter = std::function<Result<std::string>(const std::string& json, const std::string& path,
                                                 const std::string& value)>;
// One score per document (higher is better), in order; an error stops the search.
using BatchScorer = std::function<Result<std::vector<double>>(
    const std::vector<std::string>& documents, const std::vector<std::string>& names)>;

struct SearchResult {
  std::string start_name;
  std::string best_json;
  // `start_name`, or it and the changes from it: "blend + ranking.repeat_slots=5 weights.pop=0.01"
  std::string best_name;
  double best_score = 0;
  double start_score = 0;
  int rounds = 0;     // rounds run
  int evaluated = 0;  // documents scored, the start included
};

// Errors: what the setter or the scorer returned.
Result<SearchResult> CoordinateAscent(const std::string& start, std::span<const SearchAxis> axes,
                                      int max_rounds, const Setter& set, const BatchScorer& score,
                                      const std::string& start_name = "start");

struct SearchStart {
  std::string name;
  std::string json;
  // What the ascent from this start varies; none: MultiStartAscent's `axes`. A start can so
  // stay in its family (a blend that must not turn into two parts, say).
  std::optional<std::vector<SearchAxis>> axes = std::nullopt;
};

struct MultiStartResult {
  std::vector<SearchResult> runs;  // one per start, in the starts' order
  size_t best = 0;                 // the run with the highest best_score; the first on ties
  int evaluated = 0;               // distinct documents scored
};

// Coordinate ascent from each start in turn, over the start's own axes when it has any. A
// document already scored (by any run) is not passed to `score` again: its first score is
// reused. REQUIRES: `starts` is not empty.
// Errors: what the setter or the scorer returned.
Result<MultiStartResult> MultiStartAscent(std::span<const SearchStart> starts,
                                          std::span<const SearchAxis> axes, int max_rounds,
                                          const Setter& set, const BatchScorer& score);

}  // namespace recsys::eval
