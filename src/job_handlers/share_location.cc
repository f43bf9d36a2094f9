#include "job_handlers/share_location.h"

#include <vector>

namespace arbor::job_handlers {
namespace {

constexpr std::string_view kAzfiles = "azfiles://";
constexpr std::string_view kServiceHostInfix = ".file.";

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > pos) parts.emplace_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return parts;
}

std::string Join(const std::vector<std::string>& parts, size_t from) {
  std::string out;
  for (size_t i = from; i < parts.size(); ++i) out += (out.empty() ? "" : "/") + parts[i];
  return out;
}

Status CheckComponents(const std::vector<std::string>& parts) {
  for (const auto& p : parts) {
    if (p == "." || p == "..") return Status::InvalidArgument("'.' and '..' are not allowed in a share location");
  }
  return Status::Ok();
}

}  // namespace

Result<AzureShareLocation> ParseAzureShareLocation(std::string_view url) {
  size_t scheme_end = url.find("://");
  std::string_view scheme = scheme_end == std::string_view::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "https" && scheme != "http") {
    return Status::InvalidArgument("an Azure Files share location must be an http(s) URL: " + std::string(url));
  }
  if (url.find_first_of("?#") != std::string_view::npos) {
    return Status::InvalidArgument("a share location carries no query string (a SAS is a credential)");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  size_t slash = rest.find('/');
  std::string host(rest.substr(0, slash));
  std::vector<std::string> parts = SplitPath(slash == std::string_view::npos ? "" : rest.substr(slash));
  ARBOR_RETURN_IF_ERROR(CheckComponents(parts));
  AzureShareLocation loc;
  size_t infix = host.find(kServiceHostInfix);
  size_t first = 0;
  if (infix != std::string::npos && infix > 0) {
    loc.account = host.substr(0, infix);
    loc.endpoint = std::string(scheme) + "://" + host;
  } else {
    if (parts.empty()) return Status::InvalidArgument("no account in the share location " + std::string(url));
    loc.account = parts[0];
    loc.endpoint = std::string(scheme) + "://" + host + "/" + parts[0];
    first = 1;
  }
  if (host.empty() || parts.size() <= first) {
    return Status::InvalidArgument("no share in the share location " + std::string(url));
  }
  loc.share = parts[first];
  loc.path = Join(parts, first + 1);
  return loc;
}

Result<std::string> AzureShareLocationUrl(std::string_view location, std::string_view endpoint) {
  if (location.substr(0, kAzfiles.size()) != kAzfiles) {
    ARBOR_RETURN_IF_ERROR(ParseAzureShareLocation(location).status());
    return std::string(location);
  }
  std::vector<std::string> parts = SplitPath(location.substr(kAzfiles.size()));
  ARBOR_RETURN_IF_ERROR(CheckComponents(parts));
  if (parts.size() < 2) return Status::InvalidArgument("expected azfiles://ACCOUNT/SHARE[/PATH]");
  std::string base(endpoint);
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.empty()) base = "https://" + parts[0] + ".file.core.windows.net";
  std::string url = base + "/" + Join(parts, 1);
  ARBOR_ASSIGN_OR_RETURN(AzureShareLocation parsed, ParseAzureShareLocation(url));
  if (parsed.account != parts[0]) {
    return Status::InvalidArgument("the endpoint " + std::string(endpoint) + " is not for account " + parts[0]);
  }
  return url;
}

}  // namespace arbor::job_handlers
