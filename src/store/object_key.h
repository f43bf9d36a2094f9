// Object keys: the one rule every store applies to the keys it is given, shared by every
// ObjectStore: '/'-separated relative paths with no empty, "." or ".." segment and no NUL.
// Keys that break it could escape a local root or a bucket's prefix, be rewritten by an
// HTTP client's path normalisation, or name two objects the same on different backends,
// so every store refuses them.
#pragma once

#include <string_view>

#include "base/status.h"

namespace arbor {

// True for a non-empty '/'-separated relative path whose parts are neither empty, "."
// nor "..", with no NUL byte.
bool IsValidObjectKey(std::string_view key);
// InvalidArgument naming the key when it is not valid.
Status CheckObjectKey(std::string_view key);

// Packs and index segments (a "packs" or "index" path segment, as the repository lays them
// out: docs/format/repository.md) are named by the SHA-256 of their content: an object
// under such a key never changes, so its bytes may be cached, and a store may keep packs
// in a colder storage class than the metadata that lists them.
bool IsPackKey(std::string_view key);
bool IsImmutableObjectKey(std::string_view key);

}  // namespace arbor
