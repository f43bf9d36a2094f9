// Page tokens of paged listings: opaque to clients, they carry the last name of the
// previous page, so the next page starts after it (listings are in name order and stay
// correct when entries are added between pages).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::server {

std::string EncodePageToken(std::string_view last_name);
// The name a token carries. InvalidArgument for anything EncodePageToken did not make.
Result<std::string> DecodePageToken(std::string_view token);

// The page size a client asked for ("" : `fallback`). InvalidArgument for a non-number,
// zero, a negative number or one above `max`.
Result<int> ParsePageSize(std::string_view text, int fallback, int max);

}  // namespace arbor::server
