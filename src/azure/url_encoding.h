// Percent-encoding for Azure Files URLs.
//
// Paths are encoded the way Microsoft's SDKs encode them (RFC 3986 unreserved characters
// and the sub-delimiters !$&'()*,;=:@ and '/' stay literal; '+' and space are escaped), so
// the raw path the SharedKey signature covers is the same one the service sees.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace arbor::azure {

// Encodes a decoded share-relative path ("dir/a b.txt") for the URL path.
std::string EncodePath(std::string_view path);
// Encodes a query parameter name or value: everything but unreserved characters.
std::string EncodeQueryComponent(std::string_view value);
// Decodes %XX sequences ('+' stays '+'). InvalidArgument on a truncated or non-hex escape.
Result<std::string> PercentDecode(std::string_view encoded);

// Splits "a=1&b=&c" into raw (still encoded) name/value pairs, in order. Empty segments
// are skipped; a name without '=' has an empty value.
std::vector<std::pair<std::string, std::string>> SplitRawQuery(std::string_view raw_query);

}  // namespace arbor::azure
