// Typed reads of optional JSON object members with field-path error messages, for validating
// documents (tenant config, rules, requests). Internal to core.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>

#include "core/status.h"

namespace recsys::json {

using Value = rapidjson::Value;

// Each Read* leaves *out untouched when `key` is absent (or null). Otherwise it returns an error
// whose message starts with `path` + key: kInvalidArgument when the member has the wrong JSON
// type, kUnprocessable when it is of the right type but out of range (or not a whole number).
Status ReadNumber(const Value& obj, const char* key, const std::string& path, double lo, double hi,
                  double* out);
Status ReadInt(const Value& obj, const char* key, const std::string& path, long long lo,
               long long hi, int* out);
Status ReadBool(const Value& obj, const char* key, const std::string& path, bool* out);
Status ReadString(const Value& obj, const char* key, const std::string& path, std::string* out);

// The member `key` when present and not null.
const Value* Member(const Value& obj, const char* key);

std::string Join(const std::string& path, const char* key);

}  // namespace recsys::json
