// Test-only: records HTTP calls as JSON lines and checks them against the OpenAPI document with
// scripts/openapi-check (a real JSON Schema validator), so the document cannot drift from what
// the server does.
#pragma once

#include <string>

#include "testing/http_client.h"

namespace recsys::testing {

class ApiLog {
 public:
  // Starts an empty log at `path` (truncated).
  explicit ApiLog(std::string path);

  // Records one call as the client saw it; returns `result` for chaining.
  const HttpResult& Add(const std::string& method, const std::string& path,
                        const HttpResult& result);
  size_t size() const { return calls_; }

  // Runs scripts/openapi-check on the log against the document in `openapi_path` with `flags`
  // (e.g. "--every-operation"); returns its exit code, its report in *report.
  int Check(const std::string& openapi_path, const std::string& flags, std::string* report) const;

 private:
  std::string path_;
  size_t calls_ = 0;
};

// The value of header `name` in a raw header block, or "".
std::string HeaderValue(const HttpResult& result, const std::string& name);

}  // namespace recsys::testing
