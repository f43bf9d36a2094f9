#include "base/status.h"

#include <cerrno>
#include <cstring>

namespace arbor {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kAlreadyExists: return "AlreadyExists";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kCorruption: return "Corruption";
    case StatusCode::kIOError: return "IOError";
    case StatusCode::kUnavailable: return "Unavailable";
    case StatusCode::kPermissionDenied: return "PermissionDenied";
    case StatusCode::kNoSpace: return "NoSpace";
    case StatusCode::kBusy: return "Busy";
    case StatusCode::kUnsupported: return "Unsupported";
    case StatusCode::kCancelled: return "Cancelled";
    case StatusCode::kInternal: return "Internal";
  }
  return "Unknown";
}

Status Status::FromErrno(int err, std::string_view context) {
  std::string msg(context);
  msg += ": ";
  msg += std::strerror(err);
  switch (err) {
    case ENOENT: case ENOTDIR: return NotFound(std::move(msg));
    case EEXIST: case ENOTEMPTY: return AlreadyExists(std::move(msg));
    case EACCES: case EPERM: case EROFS: return PermissionDenied(std::move(msg));
    case ENOSPC: case EDQUOT: case EFBIG: return NoSpace(std::move(msg));
    case EINVAL: case ENAMETOOLONG: return InvalidArgument(std::move(msg));
    case EAGAIN: case EINTR: case ETIMEDOUT: case ECONNRESET: return Unavailable(std::move(msg));
    case ENOTSUP: return Unsupported(std::move(msg));
    default: return IOError(std::move(msg));
  }
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s(StatusCodeName(code_));
  s += ": ";
  s += message_;
  return s;
}

Status Status::Annotate(std::string_view context) const {
  if (ok()) return *this;
  std::string m(context);
  m += ": ";
  m += message_;
  Status out(code_, std::move(m));
  out.retry_after_ = retry_after_;
  out.service_code_ = service_code_;
  return out;
}

}  // namespace arbor
