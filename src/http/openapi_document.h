// The OpenAPI 3.1 document of the whole HTTP API (src/http/openapi.json, compiled in), served at
// GET /openapi.json. The contract test validates real responses against it.
#pragma once

#include <string_view>

namespace recsys::http {

// The document's JSON text; static storage, thread-safe.
std::string_view OpenApiDocument();

}  // namespace recsys::http
