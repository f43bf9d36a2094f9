#include "request.h"

#include <strings.h>

#include "azure/url_encoding.h"

namespace arbor::azfiles {
namespace {

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

Status BadUri() {
  return ApiError("InvalidUri", "The requested URI does not represent any resource on the server.");
}

}  // namespace

Status EmuRequest::Parse(std::string_view expected_account) {
  auto decoded = azure::PercentDecode(raw_path);
  if (!decoded.ok() || decoded->empty() || (*decoded)[0] != '/') return BadUri();
  std::string_view rest = std::string_view(*decoded).substr(1);
  size_t slash = rest.find('/');
  account = std::string(expected_account);
  if (rest.substr(0, slash) == expected_account) {
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  slash = rest.find('/');
  share = std::string(rest.substr(0, slash));
  rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);  // a trailing '/' names the same item
  path = std::string(rest);
  for (const auto& [raw_name, raw_value] : azure::SplitRawQuery(raw_query)) {
    auto name = azure::PercentDecode(raw_name);
    auto value = azure::PercentDecode(raw_value);
    if (!name.ok() || !value.ok()) return BadUri();
    query.emplace_back(std::move(name).value(), std::move(value).value());
  }
  return Status::Ok();
}

const std::string* EmuRequest::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (SameName(n, name)) return &v;
  }
  return nullptr;
}

std::string EmuRequest::HeaderOr(std::string_view name, std::string fallback) const {
  const std::string* v = Header(name);
  return v ? *v : std::move(fallback);
}

const std::string* EmuRequest::Query(std::string_view name) const {
  for (const auto& [n, v] : query) {
    if (SameName(n, name)) return &v;
  }
  return nullptr;
}

std::string EmuRequest::QueryOr(std::string_view name, std::string fallback) const {
  const std::string* v = Query(name);
  return v ? *v : std::move(fallback);
}

}  // namespace arbor::azfiles
