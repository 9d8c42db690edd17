// A minimal blocking HTTP/1.1 client for tests (one request per connection).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace recsys::testing {

struct HttpResult {
  int status = 0;  // 0: no answer
  std::string headers;
  std::string body;
};

HttpResult HttpCall(int port, const std::string& method, const std::string& path,
                    const std::vector<std::pair<std::string, std::string>>& headers = {},
                    const std::string& body = "");

// A free TCP port on 127.0.0.1.
int FreePort();

}  // namespace recsys::testing
