// The admin console's files (console/ in the source tree), compiled in by
// cmake/embed_console.cmake.
#pragma once

namespace recsys::http {

struct ConsoleAsset {
  const char* name;          // file name, e.g. "app.js"
  const char* content_type;  // e.g. "text/javascript; charset=utf-8"
  const char* body;
};
extern const ConsoleAsset kConsoleAssets[];
extern const int kConsoleAssetCount;

}  // namespace recsys::http
