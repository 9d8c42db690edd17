#include "store/binary_copy.h"

#include <array>
#include <utility>

#include "core/hex.h"
#include "core/parse_number.h"
#include "core/uuid.h"

namespace recsys::store {
namespace {

constexpr int16_t kNumericNegative = 0x4000;
constexpr int64_t kNumericBase = 10000;  // a numeric's digits are base 10000

}  // namespace

void AppendBinaryCopyHeader(std::string* out) {
  static constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // 11 bytes with its NUL
  out->append(kSignature, sizeof kSignature);
  PutInt32(out, 0);  // flags: no OIDs
  PutInt32(out, 0);  // header extension length
}

void AppendBinaryCopyTrailer(std::string* out) { PutInt16(out, -1); }

namespace {

// Appends the low `size` bytes of `value`, most significant first, in one append.
void PutBigEndian(std::string* out, uint64_t value, int size) {
  char bytes[8];
  for (int i = size - 1; i >= 0; --i, value >>= 8) bytes[i] = static_cast<char>(value);
  out->append(bytes, static_cast<size_t>(size));
}

}  // namespace

void PutInt16(std::string* out, int16_t value) {
  PutBigEndian(out, static_cast<uint16_t>(value), 2);
}

void PutInt32(std::string* out, int32_t value) {
  PutBigEndian(out, static_cast<uint32_t>(value), 4);
}

void PutInt64(std::string* out, int64_t value) {
  PutBigEndian(out, static_cast<uint64_t>(value), 8);
}

int64_t ReadBigEndian(std::string_view bytes) {
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  const size_t bits = 8 * bytes.size();
  if (bits > 0 && bits < 64 && (value >> (bits - 1)) != 0) value |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(value);
}

std::optional<double> ReadNumericField(std::string_view bytes) {
  if (bytes.size() < 8) return std::nullopt;
  const int64_t ndigits = ReadBigEndian(bytes.substr(0, 2));
  const int64_t weight = ReadBigEndian(bytes.substr(2, 2));
  const auto sign = static_cast<uint16_t>(ReadBigEndian(bytes.substr(4, 2)));
  if ((sign != 0 && sign != static_cast<uint16_t>(kNumericNegative)) || ndigits < 0 ||
      bytes.size() != 8 + 2 * static_cast<size_t>(ndigits)) {
    return std::nullopt;  // NaN and infinities have their own sign words
  }
  auto digit = [&](int64_t i) { return ReadBigEndian(bytes.substr(8 + 2 * i, 2)); };
  for (int64_t i = 0; i < ndigits; ++i) {
    if (digit(i) < 0 || digit(i) >= kNumericBase) return std::nullopt;
  }
  if (ndigits == 0) return 0.0;
  const int64_t exponent = 4 * (weight - (ndigits - 1));
  const bool negative = sign != 0;
  // The digits as one integer n, the value n * 10^exponent: one correctly rounded operation when
  // n and the power of ten are exact doubles, so the same double from_chars makes of the text.
  uint64_t n = 0;
  for (int64_t i = 0; i < ndigits && i < 4; ++i) n = n * kNumericBase + digit(i);
  if (ndigits <= 4 && n <= (uint64_t{1} << 53) && exponent >= -22 && exponent <= 22) {
    static constexpr double kPowers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                         1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                         1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const double value = exponent < 0 ? static_cast<double>(n) / kPowers[-exponent]
                                      : static_cast<double>(n) * kPowers[exponent];
    return negative ? -value : value;
  }
  // Rare (very large or very precise values): through the decimal text.
  std::string text = negative ? "-" : "";
  for (int64_t i = 0; i < ndigits; ++i) {
    const std::string d = std::to_string(digit(i));
    if (i > 0) text.append(4 - d.size(), '0');
    text += d;
  }
  return ParseFiniteDouble(text + "e" + std::to_string(exponent));
}

bool ForEachBinaryArrayElement(std::string_view bytes,
                               const std::function<void(std::string_view)>& element) {
  if (bytes.size() < 12) return false;
  const int64_t dimensions = ReadBigEndian(bytes.substr(0, 4));
  if (dimensions == 0) return true;  // an empty array
  if (dimensions != 1 || bytes.size() < 20) return false;
  int64_t count = ReadBigEndian(bytes.substr(12, 4));
  bytes.remove_prefix(20);
  for (; count > 0; --count) {
    if (bytes.size() < 4) return false;
    const int64_t length = ReadBigEndian(bytes.substr(0, 4));
    bytes.remove_prefix(4);
    if (length < 0) continue;  // NULL
    if (bytes.size() < static_cast<size_t>(length)) return false;
    element(bytes.substr(0, static_cast<size_t>(length)));
    bytes.remove_prefix(static_cast<size_t>(length));
  }
  return bytes.empty();
}

void PutTextField(std::string* out, std::string_view text) {
  PutInt32(out, static_cast<int32_t>(text.size()));
  out->append(text);
}

bool PutUuidField(std::string* out, std::string_view text) {
  if (!IsUuid(text)) return false;
  PutInt32(out, 16);
  for (auto [at, digits] : {std::pair{0, 8}, {9, 4}, {14, 4}, {19, 4}, {24, 12}}) {
    AppendHexBytes(text.substr(at, digits), out);
  }
  return true;
}

void PutDateField(std::string* out, int32_t unix_day) {
  PutInt32(out, 4);
  PutInt32(out, unix_day - kPostgresEpochDay);
}

// numeric_send's form: digit count, weight (the first digit's power of 10000), sign, display
// scale, then the base-10000 digits without leading or trailing zero digits.
void PutNumericField(std::string* out, int64_t units, int scale) {
  const bool negative = units < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(units) : static_cast<uint64_t>(units);
  // Scale the fraction up to whole base-10000 digits (8 decimal places: two digits).
  for (int s = scale; s < 8; ++s) magnitude *= 10;
  std::array<int16_t, 8> digits{};  // most significant first; weight of digits[0] is `top`
  int count = 0;
  uint64_t whole = magnitude / (kNumericBase * kNumericBase);
  const auto fraction = static_cast<int64_t>(magnitude % (kNumericBase * kNumericBase));
  std::array<int16_t, 6> whole_digits{};
  int whole_count = 0;
  for (; whole > 0; whole /= kNumericBase) {
    whole_digits[whole_count++] = static_cast<int16_t>(whole % kNumericBase);
  }
  for (int i = whole_count - 1; i >= 0; --i) digits[count++] = whole_digits[i];
  digits[count++] = static_cast<int16_t>(fraction / kNumericBase);
  digits[count++] = static_cast<int16_t>(fraction % kNumericBase);
  int weight = whole_count - 1;
  int first = 0;
  while (first < count && digits[first] == 0) {
    ++first;
    --weight;
  }
  while (count > first && digits[count - 1] == 0) --count;
  const int ndigits = count - first;
  PutInt32(out, 8 + 2 * ndigits);
  PutBigEndian(out, static_cast<uint16_t>(ndigits), 2);
  PutBigEndian(out, static_cast<uint16_t>(ndigits == 0 ? 0 : weight), 2);
  PutBigEndian(out, negative && ndigits > 0 ? kNumericNegative : 0, 2);
  PutBigEndian(out, static_cast<uint16_t>(scale), 2);
  for (int i = first; i < count; ++i) PutBigEndian(out, static_cast<uint16_t>(digits[i]), 2);
}

}  // namespace recsys::store
