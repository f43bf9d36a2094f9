// AWS Signature Version 4 for S3 requests (the Authorization header form), written from
// AWS's published description and checked against AWS's signature test suite
// (s3_signer_test.cc reproduces every canonical request, string to sign and
// Authorization header of the suite byte for byte).
//
// S3 differs from the generic algorithm in one way the suite notes: the path is not
// normalised ("//a/./b" is signed as written), and it is percent-encoded once. Callers
// therefore pass the path exactly as it goes on the wire.
//
// The payload is always signed: x-amz-content-sha256 carries the SHA-256 of the body
// (S3 verifies it, so a body damaged on the way is refused). kUnsignedPayload exists for
// bodies streamed from a source that cannot be hashed first; arbor does not need it
// (staged files are hashed from a memory map before they are sent).
//
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "http/http_transport.h"

namespace arbor::s3 {

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// SHA-256 of the empty string, the payload hash of every request without a body.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary (STS) credentials only; sent as x-amz-security-token
};

using QueryList = std::vector<std::pair<std::string, std::string>>;

// Everything the signature covers.
struct SignableRequest {
  std::string method;
  std::string path;          // as sent: percent-encoded (UriEncode(..., true)), not normalised
  QueryList query;           // decoded names and values, in any order
  http::HeaderList headers;  // every header that is sent, Host and X-Amz-Date included
  std::string payload_hash;  // lower-case hex SHA-256 of the body, or kUnsignedPayload
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string authorization;  // the value of the Authorization header
};

// Percent-encoding as SigV4 defines it: A-Z a-z 0-9 - . _ ~ stay, every other byte
// becomes %XY with upper-case hex; '/' stays when `keep_slash` (paths).
std::string UriEncode(std::string_view text, bool keep_slash);
// name=value pairs, each encoded, sorted by name then value, joined with '&'. The same
// string is used in the URL, so what is signed is what is sent.
std::string CanonicalQueryString(const QueryList& query);
// "20150830T123600Z": the X-Amz-Date form of `when` (UTC).
std::string AmzDate(std::chrono::system_clock::time_point when);

// Signs every header in `request` (names lower-cased and sorted; values trimmed, inner
// runs of spaces collapsed, repeated headers joined with ','). InvalidArgument when the
// X-Amz-Date header is missing or malformed.
Result<Signature> SignV4(const SignableRequest& request, const Credentials& credentials,
                         std::string_view region, std::string_view service);

}  // namespace arbor::s3
