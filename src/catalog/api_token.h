// API tokens: bearer secrets for the REST API and remote CLI.
//
// A token is "arbor_" followed by 64 hex digits (256 random bits). Only its SHA-256 is
// stored: a stolen catalog does not yield working tokens, and the lookup by hash needs no
// constant-time comparison (an attacker who times it learns bits of a hash, not of a
// token). The plaintext is shown once, when the token is created.
#pragma once

#include <string>
#include <string_view>

namespace arbor::catalog {

inline constexpr std::string_view kApiTokenPrefix = "arbor_";

std::string GenerateApiToken();
// Lower-case hex SHA-256 of the whole token text.
std::string HashApiToken(std::string_view token);
// Shape check only (prefix, length, hex): rejects garbage before a database round trip.
bool LooksLikeApiToken(std::string_view token);

}  // namespace arbor::catalog
