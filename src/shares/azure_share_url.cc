#include "shares/azure_share_url.h"

#include <vector>

namespace arbor {
namespace {

std::vector<std::string> SplitPath(std::string_view rest) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= rest.size()) {
    size_t slash = rest.find('/', pos);
    if (slash == std::string_view::npos) slash = rest.size();
    parts.emplace_back(rest.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return parts;
}

}  // namespace

bool IsAzureShareUrl(std::string_view text) {
  return text.substr(0, kAzureFilesScheme.size()) == kAzureFilesScheme;
}

Result<AzureShareUrl> ParseAzureShareUrl(std::string_view text) {
  if (!IsAzureShareUrl(text)) {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not an azfiles://ACCOUNT/SHARE[/PATH] URL");
  }
  std::string_view rest = text.substr(kAzureFilesScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::vector<std::string> parts = SplitPath(rest);
  if (parts.size() < 2 || parts[0].empty() || parts[1].empty()) {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' names no share: use azfiles://ACCOUNT/SHARE[/PATH]");
  }
  AzureShareUrl url{parts[0], parts[1], ""};
  for (size_t i = 2; i < parts.size(); ++i) {
    if (parts[i].empty() || parts[i] == "." || parts[i] == "..") {
      return Status::InvalidArgument("'" + std::string(text) +
                                     "': empty, '.' or '..' path components are not allowed");
    }
    url.path += (url.path.empty() ? "" : "/") + parts[i];
  }
  return url;
}

std::string ShareRelativePath(std::string_view engine_path) {
  while (!engine_path.empty() && engine_path.front() == '/') engine_path.remove_prefix(1);
  return std::string(engine_path);
}

}  // namespace arbor
