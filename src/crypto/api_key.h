// API keys: generation and the keyed hash that is all the database keeps of them.
#pragma once

#include <string>
#include <string_view>

namespace recsys::crypto {

// A new random key: "rk_" followed by 43 base64url characters (32 random bytes).
std::string NewApiKey();

// The first characters of a key, kept for display.
std::string ApiKeyPrefix(std::string_view key);

// Lower-case hex HMAC-SHA-256 of `key` under the server secret.
std::string ApiKeyHash(std::string_view secret, std::string_view key);

// Compares in time that depends only on the lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace recsys::crypto
