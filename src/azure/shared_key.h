// SharedKey authorization: the string-to-sign and the signature.
//
// One implementation serves both sides: the client signs outgoing requests with it and the
// emulator recomputes it to verify incoming ones, so the two cannot drift apart.
// Rules (see docs/azure-files.md and the service documentation):
//  - VERB, then 11 standard headers (Content-Length empty when 0; Date empty when
//    x-ms-date is sent), each followed by '\n';
//  - every x-ms-* header as "name:value\n", names lower-cased, values trimmed, sorted by
//    CanonicalHeaderLess;
//  - "/" + account + the raw (still encoded) URL path, then "\nname:value" per query
//    parameter (names lower-cased, names and values decoded, sorted; repeated names joined
//    with ',').
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace arbor::azure {

// The parts of an HTTP request that SharedKey covers.
struct SignableRequest {
  std::string method;     // "GET", "PUT", ...
  std::string raw_path;   // as on the wire: percent-encoded, starting with '/'
  std::string raw_query;  // as on the wire, without the '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names in any case
};

// InvalidArgument when a header appears twice or the query has a malformed escape (the
// service answers 400 to both).
Result<std::string> SharedKeyStringToSign(const SignableRequest& request, std::string_view account);

// Base64(HMAC-SHA256(key, string-to-sign)); `key` is the decoded account key.
Result<std::string> SharedKeySignature(const SignableRequest& request, std::string_view account,
                                       std::string_view key);

// "SharedKey account:signature".
std::string SharedKeyAuthorization(std::string_view account, std::string_view signature);

// Splits "SharedKey account:signature"; nullopt-like InvalidArgument when it is not one.
struct SharedKeyHeader {
  std::string account;
  std::string signature;
};
Result<SharedKeyHeader> ParseSharedKeyAuthorization(std::string_view header);

}  // namespace arbor::azure
