#include "core/rejection.h"

#include "core/json_fields.h"
#include "core/strict_json.h"

namespace recsys {

Result<const rapidjson::Value*> ParseBatchBody(std::string_view body, const char* key, size_t max,
                                               rapidjson::Document* doc) {
  RETURN_IF_ERROR(ParseStrictJsonObject(body, doc));
  const rapidjson::Value* array = json::Member(*doc, key);
  if (array == nullptr || !array->IsArray() || array->Empty()) {
    return Status::InvalidArgument(std::string(key) + ": required, an array of 1.." +
                                   std::to_string(max) + " elements");
  }
  if (array->Size() > max) {
    return Status::ResourceExhausted(std::string(key) + ": at most " + std::to_string(max) +
                                     " per request (got " + std::to_string(array->Size()) + ")");
  }
  return array;
}

Rejection AtIndex(Rejection rejection, const char* key, int index) {
  rejection.index = index;
  rejection.detail = std::string(key) + "[" + std::to_string(index) + "]." + rejection.detail;
  return rejection;
}

}  // namespace recsys
