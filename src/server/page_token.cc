#include "server/page_token.h"

#include <charconv>

#include "base/hex.h"

namespace arbor::server {
namespace {
constexpr std::string_view kPrefix = "n1.";
}  // namespace

std::string EncodePageToken(std::string_view last_name) { return std::string(kPrefix) + ToHex(last_name); }

Result<std::string> DecodePageToken(std::string_view token) {
  if (token.substr(0, kPrefix.size()) == kPrefix && token.size() > kPrefix.size()) {
    auto name = FromHex(token.substr(kPrefix.size()));
    if (name && !name->empty()) return *name;
  }
  return Status::InvalidArgument("page_token is not one this server handed out");
}

Result<int> ParsePageSize(std::string_view text, int fallback, int max) {
  if (text.empty()) return fallback;
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > max) {
    return Status::InvalidArgument("page_size must be a number from 1 to " + std::to_string(max));
  }
  return n;
}

}  // namespace arbor::server
