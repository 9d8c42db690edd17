// The binary form of a SignalSnapshot, for saving it across a restart (store/warm_start.h).
//
// The snapshot is flat arrays, so the form is each array's length and raw bytes in a fixed
// order, host byte order: a file is only read back by the same build on the same machine kind.
// Decoding checks every length, offset and index against the others, so a damaged or foreign
// input is refused with a Status and can never make a later lookup read out of bounds.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "core/snapshot.h"
#include "core/status.h"

namespace recsys {

// Receives the encoding in pieces, in order.
using ByteSink = std::function<void(std::string_view bytes)>;

void EncodeSnapshot(const SignalSnapshot& snapshot, const ByteSink& sink);

// Decodes one snapshot from the front of `*input` and advances it past what was read.
// Errors: kInvalidArgument when the bytes are not a well-formed snapshot.
Result<std::shared_ptr<const SignalSnapshot>> DecodeSnapshot(std::string_view* input);

}  // namespace recsys
