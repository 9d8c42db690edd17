#include "eval/config_search.h"

#include <map>

namespace recsys::eval {
namespace {

// "path=value ..." for the settings `changes` holds, in path order.
std::string NameOf(const std::map<std::string, std::string>& changes) {
  if (changes.empty()) return "start";
  std::string name;
  for (const auto& [path, value] : changes) {
    name += (name.empty() ? "" : " ") + path + "=" + value;
  }
  return name;
}

}  // namespace

Result<SearchResult> CoordinateAscent(const std::string& start, std::span<const SearchAxis> axes,
                                      int max_rounds, const Setter& set, const BatchScorer& score) {
  auto first = score({start}, {"start"});
  if (!first.ok()) return first.status();
  SearchResult result;
  result.best_json = start;
  result.best_name = "start";
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
        names.push_back(NameOf(changes.back()));
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

}  // namespace recsys::eval
