#include "testing/api_log.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <strings.h>

#include <fstream>

#include "testing/test_db.h"

namespace recsys::testing {

ApiLog::ApiLog(std::string path) : path_(std::move(path)) { std::ofstream(path_, std::ios::trunc); }

const HttpResult& ApiLog::Add(const std::string& method, const std::string& path,
                              const HttpResult& result) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  const std::string content_type = HeaderValue(result, "Content-Type");
  w.StartObject();
  w.Key("method");
  w.String(method.c_str(), static_cast<rapidjson::SizeType>(method.size()));
  w.Key("path");
  w.String(path.c_str(), static_cast<rapidjson::SizeType>(path.size()));
  w.Key("status");
  w.Int(result.status);
  w.Key("content_type");
  w.String(content_type.c_str(), static_cast<rapidjson::SizeType>(content_type.size()));
  w.Key("body");
  w.String(result.body.c_str(), static_cast<rapidjson::SizeType>(result.body.size()));
  w.EndObject();
  std::ofstream(path_, std::ios::app) << buffer.GetString() << '\n';
  ++calls_;
  return result;
}

int ApiLog::Check(const std::string& openapi_path, const std::string& flags,
                  std::string* report) const {
  return RunShell(std::string(RECSYS_SOURCE_DIR) + "/scripts/openapi-check '" + openapi_path +
                      "' '" + path_ + "' " + flags,
                  report);
}

std::string HeaderValue(const HttpResult& result, const std::string& name) {
  size_t line = 0;
  while (line < result.headers.size()) {
    const size_t end = result.headers.find("\r\n", line);
    const std::string_view header(result.headers.data() + line,
                                  (end == std::string::npos ? result.headers.size() : end) - line);
    const size_t colon = header.find(':');
    if (colon == name.size() && strncasecmp(header.data(), name.c_str(), name.size()) == 0) {
      std::string_view value = header.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      return std::string(value);
    }
    if (end == std::string::npos) break;
    line = end + 2;
  }
  return "";
}

}  // namespace recsys::testing
