// "azfiles://ACCOUNT/SHARE[/PATH]": how arbor names an Azure Files share, or a
// directory or file in one, on the command line and in snapshots (Snapshot::source is
// "azfiles://ACCOUNT/SHARE"). PATH is taken literally (no percent-decoding) and
// '/'-separated. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor {

inline constexpr std::string_view kAzureFilesScheme = "azfiles://";

struct AzureShareUrl {
  std::string account;
  std::string share;
  std::string path;  // share-relative, without leading or trailing '/'; "" is the share root

  // "azfiles://account/share": the source kind recorded in snapshots.
  std::string ShareKind() const { return std::string(kAzureFilesScheme) + account + "/" + share; }
  // The same path as the engine sees it: "/" for the root, "/dir/sub" below it.
  std::string EnginePath() const { return "/" + path; }
  std::string ToString() const { return path.empty() ? ShareKind() : ShareKind() + "/" + path; }
};

bool IsAzureShareUrl(std::string_view text);
// InvalidArgument, naming the problem, for a missing account or share, or a path with
// empty, "." or ".." components.
Result<AzureShareUrl> ParseAzureShareUrl(std::string_view text);

// Share-relative path ("dir/sub", "" for the root) of an engine path ("/dir/sub", "/").
std::string ShareRelativePath(std::string_view engine_path);

}  // namespace arbor
