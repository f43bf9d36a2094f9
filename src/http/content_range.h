// The Content-Range of a ranged GET's answer, checked against the body that came with it.
//
// S3, Azure Blob and Azure Files all answer "Range: bytes=A-B" with 206 and
// "Content-Range: bytes A-L/TOTAL", or with 416 and "Content-Range: bytes */TOTAL" when A is
// at or past the end. A client that trusts the status alone turns a server's lapse (a 416 or
// a short 206 for bytes that exist: s3rver answered so once, right after the object's PUT)
// into a silently short read, which a backup tool must never do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "http/http_transport.h"

namespace arbor::http {

struct ContentRange {
  std::optional<uint64_t> first, last;  // absent in "bytes */TOTAL"
  std::optional<uint64_t> total;        // absent in "bytes A-L/*"
};

// Parses a response's Content-Range; nullopt when it has none or it is malformed.
std::optional<ContentRange> ParseContentRange(const HttpResponse& response);

// A 206 must carry exactly the bytes its Content-Range names, starting at `offset`. Returns
// the object's total size (0 when the server wrote "*"), or Corruption naming `what`.
Result<uint64_t> CheckRangedBody(const HttpResponse& response, uint64_t offset, const std::string& what);

// A 416 means the object ends at or before `offset`: true when its Content-Range says so,
// false when it names a total past `offset` (or has none: the caller must ask the size).
bool UnsatisfiedRangeProvesEnd(const HttpResponse& response, uint64_t offset);

}  // namespace arbor::http
