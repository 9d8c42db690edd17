#include "eval/config_search.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <unordered_map>

namespace recsys::eval {
namespace {

// "start + path=value ..." for the settings `changes` holds, in path order.
std::string NameOf(const std::string& start, const std::map<std::string, std::string>& changes) {
  std::string name = start;
  for (const auto& [path, value] : changes) {
    name += (name.size() == start.size() ? " + " : " ") + path + "=" + value;
  }
  return name;
}

}  // namespace

Result<SearchResult> CoordinateAscent(const std::string& start, std::span<const SearchAxis> axes,
                                      int max_rounds, const Setter& set, const BatchScorer& score,
                                      const std::string& start_name) {
  auto first = score({start}, {start_name});
  if (!first.ok()) return first.status();
  SearchResult result;
  result.start_name = start_name;
  result.best_json = start;
  result.best_name = start_name;
  result.best_score = result.start_score = first.value().at(0);
  result.evaluated = 1;
  std::map<std::string, std::string> best_changes;
  for (int round = 0; round < max_rounds; ++round) {
    ++result.rounds;
    bool improved = false;
    for (const SearchAxis& axis : axes) {
      std::vector<std::string> documents, names;
      std::vector<std::map<std::string, std::string>> changes;
      for (const std::string& value : axis.values) {
        auto it = best_changes.find(axis.path);
        if (it != best_changes.end() && it->second == value) continue;  // the best already
        auto document = set(result.best_json, axis.path, value);
        if (!document.ok()) return document.status();
        changes.push_back(best_changes);
        changes.back()[axis.path] = value;
        documents.push_back(std::move(document).value());
        names.push_back(NameOf(start_name, changes.back()));
      }
      if (documents.empty()) continue;
      auto scores = score(documents, names);
      if (!scores.ok()) return scores.status();
      result.evaluated += static_cast<int>(documents.size());
      for (size_t d = 0; d < documents.size(); ++d) {
        if (scores.value().at(d) > result.best_score) {
          result.best_score = scores.value()[d];
          result.best_json = documents[d];
          result.best_name = names[d];
          best_changes = changes[d];
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return result;
}

Result<MultiStartResult> MultiStartAscent(std::span<const SearchStart> starts,
                                          std::span<const SearchAxis> axes, int max_rounds,
                                          const Setter& set, const BatchScorer& score) {
  assert(!starts.empty());
  std::unordered_map<std::string, double> scored;
  MultiStartResult result;
  // Passes on only the documents no run has scored yet (runs from nearby starts meet often).
  auto remembering = [&](const std::vector<std::string>& documents,
                         const std::vector<std::string>& names) -> Result<std::vector<double>> {
    std::vector<std::string> fresh, fresh_names;
    for (size_t d = 0; d < documents.size(); ++d) {
      const bool seen = scored.contains(documents[d]) ||
                        std::find(fresh.begin(), fresh.end(), documents[d]) != fresh.end();
      if (seen) continue;
      fresh.push_back(documents[d]);
      fresh_names.push_back(names[d]);
    }
    if (!fresh.empty()) {
      auto scores = score(fresh, fresh_names);
      if (!scores.ok()) return scores.status();
      for (size_t f = 0; f < fresh.size(); ++f) scored.emplace(fresh[f], scores.value().at(f));
      result.evaluated += static_cast<int>(fresh.size());
    }
    std::vector<double> out;
    for (const std::string& document : documents) out.push_back(scored.at(document));
    return out;
  };
  for (const SearchStart& start : starts) {
    auto run = CoordinateAscent(start.json, start.axes ? *start.axes : axes, max_rounds, set,
                                remembering, start.name);
    if (!run.ok()) return run.status();
    result.runs.push_back(std::move(run).value());
    if (result.runs.back().best_score > result.runs[result.best].best_score)
      result.best = result.runs.size() - 1;
  }
  return result;
}

}  // namespace recsys::eval
