// The binary form of a SignalSnapshot, for saving it across a restart (store/warm_start.h).
//
// The snapshot is flat arrays, so the form is each array's length and raw bytes in a fixed
// order, host byte order: a file is only read back by the same build on the same machine kind.
// Decoding checks every length, offset and index against the others, so a damaged or foreign
// input is refused with a Status and can never make a later lookup read out of bounds.
#pragma once

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/snapshot.h"
#include "core/status.h"

namespace recsys {

// Receives the encoding in pieces, in order.
using ByteSink = std::function<void(std::string_view bytes)>;

void EncodeSnapshot(const SignalSnapshot& snapshot, const ByteSink& sink);

// Names this build's form: its version, the byte order and the sizes of the structs it copies
// raw. Bytes encoded under one name decode only under the same name. Bump kSnapshotFormVersion
// when the order or meaning of the encoded arrays changes.
inline constexpr int kSnapshotFormVersion = 2;  // 2: through_day
std::string SnapshotFormat();

// Decodes one snapshot from the front of `*input` and advances it past what was read.
// Errors: kInvalidArgument when the bytes are not a well-formed snapshot.
Result<std::shared_ptr<const SignalSnapshot>> DecodeSnapshot(std::string_view* input);

// The primitives of the form, for a file that frames snapshots (store/warm_start.h): a value of
// a trivially copyable type as its bytes, a string as its uint32 length and bytes. Each Decode*
// returns false, leaving *out unspecified, when `*input` is too short.
template <typename T>
void EncodeValue(const ByteSink& sink, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  sink({reinterpret_cast<const char*>(&value), sizeof value});
}
template <typename T>
bool DecodeValue(std::string_view* input, T* out) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (input->size() < sizeof *out) return false;
  std::memcpy(out, input->data(), sizeof *out);
  input->remove_prefix(sizeof *out);
  return true;
}
void EncodeString(const ByteSink& sink, std::string_view text);
// *out views `*input`'s bytes.
bool DecodeString(std::string_view* input, std::string_view* out);

}  // namespace recsys
