// Lower-case hex encoding of byte strings (object names, ids on the command line).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace arbor {

std::string ToHex(std::string_view bytes);
// Accepts upper or lower case; nullopt on odd length or a non-hex digit.
std::optional<std::string> FromHex(std::string_view hex);
bool IsHex(std::string_view s);

}  // namespace arbor
