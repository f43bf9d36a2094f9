// Object keys: the one rule every store applies to the keys it is given, so that a key
// can never name something outside the store (a parent directory, an absolute path, a
// blob outside the repository's prefix).
#pragma once

#include <string_view>

namespace arbor {

// True for a non-empty '/'-separated relative path whose parts are neither empty, "."
// nor "..", with no NUL byte.
bool IsValidObjectKey(std::string_view key);

}  // namespace arbor
