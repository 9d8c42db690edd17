// base64url (RFC 4648 §5), without padding on output; what JWTs, JWKs and API keys use.
#pragma once

#include <string>
#include <string_view>

namespace recsys::crypto {

std::string Base64UrlEncode(std::string_view bytes);

// Decodes base64url (or standard base64; '=' padding ends the input). *ok is false on any other
// character.
std::string Base64UrlDecode(std::string_view text, bool* ok);

}  // namespace recsys::crypto
