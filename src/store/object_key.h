// Object keys: the one rule every store applies to the keys it is given. A key is a
// '/'-separated relative path ("default/default/packs/ab/ab12...tar") whose parts are
// never empty, "." or "..", so no key can name something outside the store's root.
#pragma once

#include <string_view>

#include "base/status.h"

namespace arbor {

bool ValidObjectKey(std::string_view key);
// OK for a valid key; InvalidArgument naming the key otherwise.
Status CheckObjectKey(std::string_view key);

}  // namespace arbor
