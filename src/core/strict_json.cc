#include "core/strict_json.h"

#include <rapidjson/error/en.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/utf8.h"

namespace recsys {
namespace {

// The deepest nesting of arrays and objects in `text`, stopping early once past `limit`. Runs
// before parsing so that a hostile body never makes the parser recurse deeply.
int NestingDepth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size() && deepest <= limit; ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

bool IsStorableText(const rapidjson::Value& s) {
  const std::string_view text(s.GetString(), s.GetStringLength());
  return text.find('\0') == std::string_view::npos && IsValidUtf8(text);
}

// Walks the document without recursion; returns the first problem found, or an empty string.
std::string FirstProblem(const rapidjson::Value& root) {
  // Per thread and kept: every request body is checked, and the walk allocates nothing once
  // these have grown.
  thread_local std::vector<const rapidjson::Value*> pending;
  thread_local std::vector<std::string_view> names;
  pending.assign(1, &root);
  while (!pending.empty()) {
    const rapidjson::Value& v = *pending.back();
    pending.pop_back();
    if (v.IsString() && !IsStorableText(v)) {
      return "a string is not valid UTF-8 text (lone surrogate, invalid bytes or NUL)";
    }
    if (v.IsArray()) {
      for (const auto& item : v.GetArray()) pending.push_back(&item);
    }
    if (!v.IsObject()) continue;
    names.clear();
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      if (!IsStorableText(it->name)) {
        return "a member name is not valid UTF-8 text (lone surrogate, invalid bytes or NUL)";
      }
      names.emplace_back(it->name.GetString(), it->name.GetStringLength());
      pending.push_back(&it->value);
    }
    std::sort(names.begin(), names.end());
    auto repeated = std::adjacent_find(names.begin(), names.end());
    if (repeated != names.end()) {
      return "duplicate member \"" + std::string(repeated->substr(0, 64)) +
             "\" (ambiguous: send each member once)";
    }
  }
  return {};
}

}  // namespace

Status ParseStrictJson(std::string_view text, rapidjson::Document* doc, std::string_view what) {
  const std::string_view prefix = what;  // each error message starts with it and ": "
  if (NestingDepth(text, kMaxJsonDepth) > kMaxJsonDepth) {
    return Status::InvalidArgument(std::string(prefix) + ": nested deeper than " +
                                   std::to_string(kMaxJsonDepth) + " levels");
  }
  // RapidJSON takes a NUL byte for the end of input, so `{"a": 1}<NUL>junk` would pass as
  // `{"a": 1}`: a raw NUL is never valid JSON, refuse it outright.
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return Status::InvalidArgument(std::string(prefix) + ": not valid JSON (a NUL byte at offset " +
                                   std::to_string(nul) + ")");
  }
  doc->Parse(text.data(), text.size());
  if (doc->HasParseError()) {
    return Status::InvalidArgument(std::string(prefix) + ": not valid JSON (" +
                                   rapidjson::GetParseError_En(doc->GetParseError()) +
                                   " at offset " + std::to_string(doc->GetErrorOffset()) + ")");
  }
  if (std::string problem = FirstProblem(*doc); !problem.empty()) {
    return Status::InvalidArgument(std::string(prefix) + ": " + problem);
  }
  return Status::Ok();
}

Status ParseStrictJsonObject(std::string_view text, rapidjson::Document* doc,
                             std::string_view what) {
  RETURN_IF_ERROR(ParseStrictJson(text, doc, what));
  if (!doc->IsObject())
    return Status::InvalidArgument(std::string(what) + ": must be a JSON object");
  return Status::Ok();
}

}  // namespace recsys
