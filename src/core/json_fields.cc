#include "core/json_fields.h"

#include <cmath>
#include <cstdio>

namespace recsys::json {

std::string Join(const std::string& path, const char* key) {
  return path.empty() ? std::string(key) : path + "." + key;
}

namespace {

// A bound as people write it: 1e+06, 0.5, 30 (std::to_string gives 1000000.000000).
std::string Number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", x);
  return text;
}

}  // namespace

const Value* Member(const Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

Status ReadNumber(const Value& obj, const char* key, const std::string& path, double lo, double hi,
                  double* out) {
  const Value* v = Member(obj, key);
  if (v == nullptr) return Status::Ok();
  if (!v->IsNumber()) return Status::InvalidArgument(Join(path, key) + ": must be a number");
  if (!std::isfinite(v->GetDouble()) || v->GetDouble() < lo || v->GetDouble() > hi) {
    return Status::Unprocessable(Join(path, key) + ": must be a number from " + Number(lo) +
                                 " to " + Number(hi));
  }
  *out = v->GetDouble();
  return Status::Ok();
}

Status ReadInt(const Value& obj, const char* key, const std::string& path, long long lo,
               long long hi, int* out) {
  const Value* v = Member(obj, key);
  if (v == nullptr) return Status::Ok();
  if (!v->IsNumber()) return Status::InvalidArgument(Join(path, key) + ": must be an integer");
  if (!v->IsInt64() || v->GetInt64() < lo || v->GetInt64() > hi) {
    return Status::Unprocessable(Join(path, key) + ": must be an integer from " +
                                 std::to_string(lo) + " to " + std::to_string(hi));
  }
  *out = static_cast<int>(v->GetInt64());
  return Status::Ok();
}

Status ReadBool(const Value& obj, const char* key, const std::string& path, bool* out) {
  const Value* v = Member(obj, key);
  if (v == nullptr) return Status::Ok();
  if (!v->IsBool()) return Status::InvalidArgument(Join(path, key) + ": must be true or false");
  *out = v->GetBool();
  return Status::Ok();
}

Status ReadString(const Value& obj, const char* key, const std::string& path, std::string* out) {
  const Value* v = Member(obj, key);
  if (v == nullptr) return Status::Ok();
  if (!v->IsString()) return Status::InvalidArgument(Join(path, key) + ": must be a string");
  out->assign(v->GetString(), v->GetStringLength());
  return Status::Ok();
}

}  // namespace recsys::json
