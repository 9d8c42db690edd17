// CORS for browser clients: only origins on the allow-list get Access-Control-* headers, and
// preflights from others are refused. An empty list turns CORS off (no headers, no preflights).
// Thread-safe (read-only after construction).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "http/message.h"

namespace recsys::http {

class CorsPolicy {
 public:
  // `origins`: exact origins ("https://shop.example"), or "*" for any.
  explicit CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  // The answer to an OPTIONS preflight (204 when allowed, 403 problem when not), or nullopt when
  // `request` is not a preflight or CORS is off.
  std::optional<HttpResponse> Preflight(const HttpRequest& request) const;
  // Adds the CORS headers to `response` when the request's Origin is allowed.
  void Decorate(const HttpRequest& request, HttpResponse& response) const;

 private:
  bool Allowed(std::string_view origin) const;

  std::vector<std::string> origins_;
};

}  // namespace recsys::http
