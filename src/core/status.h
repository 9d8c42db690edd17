// Status and Result<T>: errors as values at every boundary of recsys.
//
// A Status is either OK or carries a code and a human-readable message. Result<T> holds either a
// T or a non-OK Status. Neither throws; callers check ok() before value(). Both are cheap to move
// and safe to pass between threads (they are plain values).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace recsys {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // the caller sent something malformed
  kNotFound,            // the named thing does not exist
  kPermissionDenied,    // the caller may not do this (or the tenant is unknown or inactive)
  kFailedPrecondition,  // the system is not in a state that allows the call (e.g. schema behind)
  kConflict,            // the caller's view is stale (e.g. If-Match no longer current)
  kResourceExhausted,   // a size or rate limit was exceeded
  kUnavailable,         // a dependency (the database) cannot be reached; retrying may help
  kInternal,            // a bug or an unexpected answer from a dependency
};

// Stable lower-case name of a code, for logs.
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "code: message", or "ok".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(state_).ok() && "a Result made from a Status must hold an error");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  // The error; an OK status when ok().
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(state_); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace recsys

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define RETURN_IF_ERROR(expr)                        \
  do {                                               \
    ::recsys::Status recsys_status_ = (expr);        \
    if (!recsys_status_.ok()) return recsys_status_; \
  } while (0)
