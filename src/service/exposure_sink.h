// Where served responses are recorded (exposure_events). Implemented by store::ExposureWriter;
// tests may implement it in memory. Record() must not block the caller for long, must be
// thread-safe, and must copy what it keeps.
#pragma once

#include <string>
#include <string_view>

#include "core/time.h"

namespace recsys::service {

struct Exposure {
  std::string tenant_id;  // uuid
  TimestampUs occurred_at = 0;
  std::string request_id;  // uuid
  std::string surface, segment;
  std::string user_key;  // raw keyed-hash bytes of the user id; never the id itself
  std::string session_id, experiment_id, experiment_variant;
  std::string algo_version, config_etag, rules_etag;
  std::string request_json;  // the normalized request without user ids
  // The response as sent and its meta: views, valid only during Record(), so that the hot path
  // does not copy the response body once more.
  std::string_view response_json, meta_json;
};

class ExposureSink {
 public:
  virtual ~ExposureSink() = default;
  virtual void Record(const Exposure& exposure) = 0;
};

}  // namespace recsys::service
