// Hashes used across recsys (OpenSSL underneath). Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace recsys::crypto {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// Raw 32-byte HMAC-SHA-256 of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);

// Lower-case hex of arbitrary bytes.
std::string ToHex(std::string_view bytes);

}  // namespace recsys::crypto
