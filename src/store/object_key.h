// Object keys: the one rule every store applies to the keys it is given, so that a key
// can never name something outside the store (a parent directory, an absolute path, a
// blob outside the repository's prefix).
#pragma once

#include <string_view>

namespace arbor {

// True for a non-empty '/'-separated relative path whose parts are neither empty, "."
// nor "..", with no NUL byte.
bool IsValidObjectKey(std::string_view key);

// Packs and index segments (a "packs" or "index" path segment, as the repository lays them
// out: docs/format/repository.md) are named by the SHA-256 of their content: an object
// under such a key never changes, so its bytes may be cached, and a store may keep packs
// in a colder storage class than the metadata that lists them.
bool IsPackKey(std::string_view key);
bool IsImmutableObjectKey(std::string_view key);

}  // namespace arbor
