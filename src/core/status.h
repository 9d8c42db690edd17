// Status and Result<T>: errors as values at every boundary of recsys.
//
// A Status is either OK or carries a code and a human-readable message, and optionally the
// stable API code an HTTP problem names (when it is not the code's usual one) and a retry delay.
// `core` and `service` return them; `http` alone turns one into a response
// (http/problem.h StatusProblem). Result<T> holds either a T or a non-OK Status. Neither throws:
// callers check ok() before value(), and value() on an error is a bug that aborts the process
// (also in release builds) after printing the error, rather than throwing. Both are cheap to move
// and safe to pass between threads.
#pragma once

#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace recsys {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // the caller sent something malformed
  kUnauthenticated,     // the caller's credentials are missing or not valid
  kNotFound,            // the named thing does not exist
  kPermissionDenied,    // the caller may not do this (or the tenant is unknown or inactive)
  kFailedPrecondition,  // the system is not in a state that allows the call (e.g. schema behind)
  kConflict,            // the caller's view is stale (e.g. If-Match no longer current)
  kUnprocessable,       // well-formed input that breaks a rule (a config field out of range)
  kResourceExhausted,   // a size limit, or with retry_after_s() a rate limit, was exceeded
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
  static Status Unauthenticated(std::string m) {
    return {StatusCode::kUnauthenticated, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status Unprocessable(std::string m) { return {StatusCode::kUnprocessable, std::move(m)}; }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  // A rate limit: kResourceExhausted that may be retried after `retry_after_s` (> 0) seconds.
  static Status RateLimited(std::string m, int retry_after_s) {
    return ResourceExhausted(std::move(m)).WithRetryAfter(retry_after_s);
  }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The stable API code (RECSYS_...) for this error when it is not its code's usual one; null
  // otherwise. `reason` must be a string literal (it is not copied).
  const char* reason() const { return reason_; }
  Status WithReason(const char* reason) && {
    reason_ = reason;
    return std::move(*this);
  }
  // Seconds after which the call may be retried (a rate limit, a full server); 0: not said.
  int retry_after_s() const { return retry_after_s_; }
  Status WithRetryAfter(int seconds) && {
    retry_after_s_ = seconds;
    return std::move(*this);
  }
  // "code: message", or "ok".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  const char* reason_ = nullptr;
  int retry_after_s_ = 0;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(state_).ok() && "a Result made from a Status must hold an error");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  // REQUIRES: ok(). On an error, prints it to stderr and aborts (never throws).
  T& value() & { return *Checked(std::get_if<T>(&state_)); }
  const T& value() const& { return *Checked(std::get_if<T>(&state_)); }
  T&& value() && { return std::move(*Checked(std::get_if<T>(&state_))); }
  // The error; an OK status when ok().
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(state_); }

 private:
  template <typename P>
  P* Checked(P* value) const {
    if (value == nullptr) {
      std::fprintf(stderr, "Result::value() on an error: %s\n",
                   std::get<Status>(state_).ToString().c_str());
      std::abort();
    }
    return value;
  }

  std::variant<T, Status> state_;
};

}  // namespace recsys

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define RETURN_IF_ERROR(expr)                        \
  do {                                               \
    ::recsys::Status recsys_status_ = (expr);        \
    if (!recsys_status_.ok()) return recsys_status_; \
  } while (0)
