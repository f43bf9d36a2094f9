// The order in which SharedKey canonicalizes x-ms-* headers.
//
// The service sorts header names with .NET's culture-aware (en-US) comparison, not byte
// order: '-' and '\'' carry no primary weight (so "x-ms-meta-ab" < "x-ms-meta-a-b"), and
// punctuation such as '_' sorts before digits and letters ("x-ms-meta-i_" < "x-ms-meta-i0").
// A signer or verifier that sorts with strcmp fails with 403 as soon as metadata names
// contain those characters. Pure; thread-safe.
#pragma once

#include <string_view>

namespace arbor::azure {

// Strict weak order over lower-cased header names (ASCII tokens).
bool CanonicalHeaderLess(std::string_view a, std::string_view b);

}  // namespace arbor::azure
