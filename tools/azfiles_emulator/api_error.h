// How the emulator reports failures: the service's HTTP status, error code and message,
// exactly as they go on the wire (x-ms-error-code and the <Error> body).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace arbor::azfiles {

struct ApiError {
  ApiError() = default;
  ApiError(int http_status, std::string error_code, std::string text, std::string detail = {})
      : http(http_status), code(std::move(error_code)), message(std::move(text)), authentication_detail(std::move(detail)) {}

  int http = 500;
  std::string code;
  std::string message;
  std::string authentication_detail;  // AuthenticationErrorDetail, for 401/403
};

// A value or an ApiError. Errors are expected outcomes (a missing share, a bad header),
// so they are values, not exceptions.
template <typename T>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Outcome(ApiError error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return std::holds_alternative<T>(v_); }
  const ApiError& error() const { return std::get<ApiError>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &std::get<T>(v_); }
  T& operator*() & { return std::get<T>(v_); }

 private:
  std::variant<ApiError, T> v_;
};

// For operations without a value.
struct Done {};

// Canned errors used in many places.
inline ApiError ShareNotFound() { return {404, "ShareNotFound", "The specified share does not exist."}; }
inline ApiError ResourceNotFound() { return {404, "ResourceNotFound", "The specified resource does not exist."}; }
inline ApiError ParentNotFound() { return {404, "ParentNotFound", "The specified parent path does not exist."}; }
inline ApiError InvalidHeader(const std::string& name) {
  return {400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format: " + name};
}
inline ApiError InvalidQuery(const std::string& name) {
  return {400, "InvalidQueryParameterValue", "Value for one of the query parameters specified in the request URI is invalid: " + name};
}
inline ApiError SnapshotReadOnly() {
  return {400, "ShareSnapshotOperationNotSupported", "The operation is not supported on a share snapshot."};
}

}  // namespace arbor::azfiles

// Early return of the ApiError of an Outcome. EMU_ASSIGN_OR_RETURN(auto x, Expr()).
#define EMU_RETURN_IF_ERROR(expr)            \
  do {                                       \
    auto _emu_o = (expr);                    \
    if (!_emu_o.ok()) return _emu_o.error(); \
  } while (false)
#define EMU_CONCAT_INNER(a, b) a##b
#define EMU_CONCAT(a, b) EMU_CONCAT_INNER(a, b)
#define EMU_ASSIGN_OR_RETURN(lhs, expr) EMU_ASSIGN_OR_RETURN_IMPL(EMU_CONCAT(_emu_out_, __LINE__), lhs, expr)
#define EMU_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.error();              \
  lhs = std::move(tmp).value()
