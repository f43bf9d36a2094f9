// Status and Result<T>: the one error type of arbor.
//
// Every fallible call returns a Status (or a Result<T>, which is a T or a Status) by
// value and is [[nodiscard]]. Exceptions thrown by third-party libraries are caught in
// the adapter that wraps the library and turned into a Status there. A Status becomes
// an exit code, an HTTP code, a RESP "-ERR" line, a FUSE errno or a job state only at
// the edges of the program.
//
// Thread safety: values; no shared state.
#pragma once

#include <cassert>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace arbor {

enum class StatusCode {
  kOk = 0,
  kNotFound,          // an object, file, snapshot or key does not exist
  kAlreadyExists,     // create-only write found something in place
  kInvalidArgument,   // bad input from a user or a caller
  kCorruption,        // stored bytes fail a check (hash, magic, structure)
  kIOError,           // the operating system or a backend refused an operation
  kUnavailable,       // transient: retry may succeed (throttling, timeouts, resets)
  kPermissionDenied,  // credentials or file permissions
  kNoSpace,           // a disk or quota is full
  kBusy,              // a lock is held by someone else
  kUnsupported,       // a format version or feature this build does not know
  kCancelled,
  kInternal,          // a bug: an invariant did not hold
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status NoSpace(std::string m) { return {StatusCode::kNoSpace, std::move(m)}; }
  static Status Busy(std::string m) { return {StatusCode::kBusy, std::move(m)}; }
  static Status Unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  // From an errno value: maps ENOENT, EACCES, ENOSPC, ... to the matching code and
  // appends strerror to `context`.
  static Status FromErrno(int err, std::string_view context);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  bool Is(StatusCode c) const { return code_ == c; }
  // "NotFound: snapshot 1a2b not found"
  std::string ToString() const;
  // Prefixes the message with context ("reading pack 1a2b: ..."), keeping the code, the
  // retry hint and the service code.
  Status Annotate(std::string_view context) const;
  // For a transient error: how long the service asked to wait before a retry (an HTTP
  // Retry-After); zero when it did not say. Travels with the status, so a retrying
  // wrapper far from the HTTP layer can honour it.
  std::chrono::milliseconds retry_after() const { return retry_after_; }
  Status WithRetryAfter(std::chrono::milliseconds wait) const {
    Status copy = *this;
    copy.retry_after_ = wait;
    return copy;
  }
  // The error code of the remote service that refused the request, as it sent it (Azure
  // "ShareNotFound", "FileInvalidPermission", ...); empty when there was none. Callers
  // that need to tell service errors apart compare this field, never the message text,
  // which is for people and may change.
  const std::string& service_code() const { return service_code_; }
  Status WithServiceCode(std::string code) const {
    Status copy = *this;
    copy.service_code_ = std::move(code);
    return copy;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::chrono::milliseconds retry_after_{0};
  std::string service_code_;
};

// A value or an error. Accessing value() of an error is a bug (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "a Result must not hold an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace arbor

// Early-return helpers. ARBOR_ASSIGN_OR_RETURN(auto x, Expr()) declares x from a Result.
#define ARBOR_RETURN_IF_ERROR(expr)              \
  do {                                           \
    ::arbor::Status _arbor_st = (expr);          \
    if (!_arbor_st.ok()) return _arbor_st;       \
  } while (false)

#define ARBOR_CONCAT_INNER(a, b) a##b
#define ARBOR_CONCAT(a, b) ARBOR_CONCAT_INNER(a, b)
#define ARBOR_ASSIGN_OR_RETURN(lhs, expr) \
  ARBOR_ASSIGN_OR_RETURN_IMPL(ARBOR_CONCAT(_arbor_res_, __LINE__), lhs, expr)
#define ARBOR_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
