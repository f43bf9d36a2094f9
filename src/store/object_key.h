// The one rule for object keys, shared by every ObjectStore: '/'-separated relative
// paths with no empty, "." or ".." segment and no NUL. Keys that break it could escape a
// local root, be rewritten by an HTTP client's path normalisation, or name two objects
// the same on different backends, so every store refuses them.
#pragma once

#include <string_view>

#include "base/status.h"

namespace arbor {

bool IsValidObjectKey(std::string_view key);
// InvalidArgument naming the key when it is not valid.
Status CheckObjectKey(std::string_view key);

}  // namespace arbor
