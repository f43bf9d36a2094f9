// The few cryptographic primitives Azure Files needs: Base64, HMAC-SHA256 (SharedKey and
// SAS signatures), MD5 (Content-MD5) and SHA-256. Thin wrappers over OpenSSL.
//
// All functions are pure and thread-safe. Digests are returned as raw bytes.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::azure {

// Standard alphabet with '=' padding, no line breaks.
std::string Base64Encode(std::string_view bytes);
// Strict: rejects characters outside the alphabet, bad padding and lengths that are not a
// multiple of 4 (InvalidArgument), so a mistyped account key is reported, not used.
Result<std::string> Base64Decode(std::string_view text);

std::string HmacSha256(std::string_view key, std::string_view message);
std::string Md5(std::string_view data);
std::string Sha256(std::string_view data);

// Compares in time independent of where the inputs differ (signature checks).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace arbor::azure
