#include "azure/shared_key.h"

#include <algorithm>
#include <array>
#include <map>

#include "azure/crypto.h"
#include "azure/header_order.h"
#include "azure/url_encoding.h"

namespace arbor::azure {
namespace {

// The standard headers in string-to-sign order.
constexpr std::array<std::string_view, 11> kStandardHeaders = {
    "content-encoding", "content-language", "content-length", "content-md5",
    "content-type",     "date",             "if-modified-since", "if-match",
    "if-none-match",    "if-unmodified-since", "range"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Lower-cased name -> trimmed value; InvalidArgument on a repeated header.
Result<std::map<std::string, std::string>> CollectHeaders(const SignableRequest& request) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : request.headers) {
    if (!out.emplace(Lower(name), std::string(Trim(value))).second) {
      return Status::InvalidArgument("header '" + name + "' appears more than once");
    }
  }
  return out;
}

std::string StandardHeaderLines(const std::map<std::string, std::string>& headers) {
  std::string out;
  for (std::string_view name : kStandardHeaders) {
    auto it = headers.find(std::string(name));
    std::string value = it == headers.end() ? std::string() : it->second;
    if (name == "content-length" && value == "0") value.clear();
    if (name == "date" && headers.count("x-ms-date") != 0) value.clear();
    out += value;
    out += '\n';
  }
  return out;
}

std::string CanonicalizedHeaders(const std::map<std::string, std::string>& headers) {
  std::vector<std::pair<std::string, std::string>> ms;
  for (const auto& [name, value] : headers) {
    if (name.rfind("x-ms-", 0) == 0) ms.emplace_back(name, value);
  }
  std::sort(ms.begin(), ms.end(), [](const auto& a, const auto& b) { return CanonicalHeaderLess(a.first, b.first); });
  std::string out;
  for (const auto& [name, value] : ms) out += name + ":" + value + "\n";
  return out;
}

Result<std::string> CanonicalizedResource(const SignableRequest& request, std::string_view account) {
  std::string out = "/" + std::string(account) + request.raw_path;
  std::map<std::string, std::vector<std::string>> params;  // sorted by name
  for (const auto& [raw_name, raw_value] : SplitRawQuery(request.raw_query)) {
    ARBOR_ASSIGN_OR_RETURN(std::string name, PercentDecode(raw_name));
    ARBOR_ASSIGN_OR_RETURN(std::string value, PercentDecode(raw_value));
    params[Lower(name)].push_back(std::move(value));
  }
  for (auto& [name, values] : params) {
    std::sort(values.begin(), values.end());
    out += "\n" + name + ":";
    for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + values[i];
  }
  return out;
}

}  // namespace

Result<std::string> SharedKeyStringToSign(const SignableRequest& request, std::string_view account) {
  ARBOR_ASSIGN_OR_RETURN(auto headers, CollectHeaders(request));
  ARBOR_ASSIGN_OR_RETURN(std::string resource, CanonicalizedResource(request, account));
  std::string method = request.method;
  for (char& c : method) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return method + "\n" + StandardHeaderLines(headers) + CanonicalizedHeaders(headers) + resource;
}

Result<std::string> SharedKeySignature(const SignableRequest& request, std::string_view account,
                                       std::string_view key) {
  ARBOR_ASSIGN_OR_RETURN(std::string to_sign, SharedKeyStringToSign(request, account));
  return Base64Encode(HmacSha256(key, to_sign));
}

std::string SharedKeyAuthorization(std::string_view account, std::string_view signature) {
  return "SharedKey " + std::string(account) + ":" + std::string(signature);
}

Result<SharedKeyHeader> ParseSharedKeyAuthorization(std::string_view header) {
  constexpr std::string_view kScheme = "SharedKey ";
  if (header.substr(0, kScheme.size()) != kScheme) {
    return Status::InvalidArgument("Authorization is not a SharedKey header");
  }
  std::string_view rest = Trim(header.substr(kScheme.size()));
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size()) {
    return Status::InvalidArgument("SharedKey header is not 'account:signature'");
  }
  return SharedKeyHeader{std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1))};
}

}  // namespace arbor::azure
