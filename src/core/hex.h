// Hexadecimal digits to bytes. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace recsys {

// The value of the hex digit `c` (either case), or -1 when it is not one.
int HexDigitValue(char c);

// Appends the bytes that the hex digits `hex` spell (two digits a byte) to *out. Returns false,
// with *out unspecified, when `hex` has an odd length or a character that is not a hex digit.
bool AppendHexBytes(std::string_view hex, std::string* out);

// Appends two lower-case hex digits per byte of `bytes` to *out.
void AppendHexDigits(std::string_view bytes, std::string* out);

}  // namespace recsys
