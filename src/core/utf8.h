// UTF-8 validity, as PostgreSQL's text and jsonb types require it.
#pragma once

#include <string_view>

namespace recsys {

// Whether `text` is well-formed UTF-8: no overlong forms, no UTF-16 surrogates (U+D800..U+DFFF,
// which a JSON "\ud800" escape decodes to), nothing above U+10FFFF. NUL bytes are allowed here;
// callers that store text reject them separately.
bool IsValidUtf8(std::string_view text);

}  // namespace recsys
